package keyframe_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

func times(c *keyframe.Curve) []rt.Time {
	var out []rt.Time
	for _, k := range c.Keys {
		out = append(out, k.T)
	}
	return out
}

func sortedUnique(c *keyframe.Curve) bool {
	for i := 1; i < len(c.Keys); i++ {
		if c.Keys[i-1].T >= c.Keys[i].T {
			return false
		}
	}
	return true
}

func TestSetKeepsKeysSortedAndReportsWhatItReplaced(t *testing.T) {
	c := &keyframe.Curve{}
	for _, at := range []rt.Time{20, 0, 10, 30, -5, 15} {
		if old, existed := c.Set(key(at, float64(at), "")); existed || old != (keyframe.Key{}) {
			t.Fatalf("Set at new time %d reported replacing %+v", at, old)
		}
	}
	if got, want := times(c), []rt.Time{-5, 0, 10, 15, 20, 30}; !slices.Equal(got, want) {
		t.Fatalf("times %v, want %v", got, want)
	}
	prev := keyframe.Key{T: 10, V: 10}
	next := keyframe.Key{T: 10, V: 3, Interp: keyframe.Bezier, OutDT: 1, OutDV: 2, InDT: -3, InDV: 4}
	old, existed := c.Set(next)
	if !existed || old != prev {
		t.Fatalf("replacing at 10 returned %+v, %v; want %+v, true", old, existed, prev)
	}
	if c.Keys[c.Index(10)] != next || len(c.Keys) != 6 {
		t.Fatalf("the key at 10 is %+v among %d keys", c.Keys[c.Index(10)], len(c.Keys))
	}
}

func TestIndexFindsKeysByTime(t *testing.T) {
	c := &keyframe.Curve{Keys: []keyframe.Key{key(-3, 0, ""), key(4, 0, ""), key(9, 0, "")}}
	cases := []struct {
		name string
		at   rt.Time
		want int
	}{
		{"the first key is at index 0", -3, 0},
		{"the last key is at index 2", 9, 2},
		{"a time between keys has no index", 5, -1},
		{"a time before all keys has no index", -100, -1},
		{"a time after all keys has no index", 100, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Index(tc.at); got != tc.want {
				t.Fatalf("Index(%d) = %d, want %d", tc.at, got, tc.want)
			}
		})
	}
	if (&keyframe.Curve{}).Index(0) != -1 {
		t.Fatal("an empty curve found a key")
	}
}

func TestRemove(t *testing.T) {
	t.Run("removing a key returns it and keeps the rest in order", func(t *testing.T) {
		k := keyframe.Key{T: 5, V: 2, Interp: keyframe.Smooth, OutDV: 1}
		c := &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, ""), k, key(9, 1, "")}}
		got, ok := c.Remove(5)
		if !ok || got != k {
			t.Fatalf("Remove(5) = %+v, %v", got, ok)
		}
		if !slices.Equal(times(c), []rt.Time{0, 9}) {
			t.Fatalf("times after remove: %v", times(c))
		}
	})
	t.Run("removing where there is no key changes nothing", func(t *testing.T) {
		c := &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, ""), key(9, 1, "")}}
		before := c.Clone()
		if _, ok := c.Remove(4); ok {
			t.Fatal("Remove(4) reported a key")
		}
		if !reflect.DeepEqual(*c, before) {
			t.Fatalf("curve changed: %+v", c)
		}
	})
	t.Run("removing the last key returns the curve to its static value", func(t *testing.T) {
		c := &keyframe.Curve{Static: 0.7, Keys: []keyframe.Key{key(3, 0.1, "")}}
		c.Remove(3)
		if c.Keys != nil || c.ValueAt(3) != 0.7 {
			t.Fatalf("keys %v, value %v", c.Keys, c.ValueAt(3))
		}
	})
}

func TestMove(t *testing.T) {
	base := func() *keyframe.Curve {
		return &keyframe.Curve{Keys: []keyframe.Key{
			key(0, 0, ""), {T: 10, V: 5, Interp: keyframe.Bezier, OutDT: 2, InDV: 1}, key(20, 9, ""),
		}}
	}
	t.Run("moving past a neighbour keeps order and everything but the time", func(t *testing.T) {
		c := base()
		if err := c.Move(10, 25); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(times(c), []rt.Time{0, 20, 25}) {
			t.Fatalf("times %v", times(c))
		}
		want := base().Keys[1]
		want.T = 25
		if c.Keys[2] != want {
			t.Fatalf("moved key %+v, want %+v", c.Keys[2], want)
		}
	})
	t.Run("moving a key onto itself changes nothing", func(t *testing.T) {
		c := base()
		if err := c.Move(10, 10); err != nil || !reflect.DeepEqual(c, base()) {
			t.Fatalf("err %v, curve %+v", err, c)
		}
	})
	errs := []struct {
		name     string
		from, to rt.Time
		want     string
	}{
		{"moving from a time without a key is an error", 5, 7, "no keyframe at 5"},
		{"moving onto another key is an error", 0, 20, "already exists at 20"},
	}
	for _, e := range errs {
		t.Run(e.name, func(t *testing.T) {
			c := base()
			err := c.Move(e.from, e.to)
			if err == nil || !strings.Contains(err.Error(), e.want) {
				t.Fatalf("Move(%d, %d) error = %v, want it to say %q", e.from, e.to, err, e.want)
			}
			if !reflect.DeepEqual(c, base()) {
				t.Fatalf("a failed move changed the curve: %+v", c)
			}
		})
	}
}

func TestShift(t *testing.T) {
	t.Run("shifting moves every key and shifting back restores them", func(t *testing.T) {
		c := &keyframe.Curve{Keys: []keyframe.Key{key(0, 1, ""), key(4, 2, keyframe.Hold), key(9, 3, "")}}
		orig := c.Clone()
		c.Shift(-6)
		if !slices.Equal(times(c), []rt.Time{-6, -2, 3}) {
			t.Fatalf("times %v", times(c))
		}
		if c.ValueAt(-2) != 2 || c.ValueAt(0) != 2 {
			t.Fatalf("values did not move with their keys")
		}
		c.Shift(6)
		if !reflect.DeepEqual(*c, orig) {
			t.Fatalf("after shifting back: %+v", c)
		}
	})
	t.Run("keys pushed past the int64 limit saturate without duplicates", func(t *testing.T) {
		c := &keyframe.Curve{Keys: []keyframe.Key{key(0, 1, ""), key(math.MaxInt64-5, 2, ""), key(math.MaxInt64-1, 3, "")}}
		c.Shift(10)
		if !slices.Equal(times(c), []rt.Time{10, math.MaxInt64}) || c.Keys[1].V != 2 {
			t.Fatalf("keys %+v", c.Keys)
		}
		c = &keyframe.Curve{Keys: []keyframe.Key{key(math.MinInt64+1, 1, ""), key(math.MinInt64+3, 2, ""), key(0, 3, "")}}
		c.Shift(-10)
		if !slices.Equal(times(c), []rt.Time{math.MinInt64, -10}) || c.Keys[0].V != 2 {
			t.Fatalf("keys %+v", c.Keys)
		}
	})
}

// TestEditsUndoExactly applies random edits, undoing each from what it reported, and checks
// that undoing them all in reverse gives back the exact starting curve.
func TestEditsUndoExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	interps := keyframe.AllInterps()
	for round := range 50 {
		c := &keyframe.Curve{Static: 0.5}
		for range r.IntN(6) {
			c.Set(key(rt.Time(r.IntN(40)), r.Float64(), interps[r.IntN(len(interps))]))
		}
		start := c.Clone()
		var undo []func()
		for range 30 {
			at, to := rt.Time(r.IntN(40)), rt.Time(r.IntN(40))
			switch r.IntN(4) {
			case 0, 1:
				k := keyframe.Key{T: at, V: r.NormFloat64(), Interp: interps[r.IntN(len(interps))], OutDT: r.Float64()}
				if old, existed := c.Set(k); existed {
					undo = append(undo, func() { c.Set(old) })
				} else {
					undo = append(undo, func() { c.Remove(at) })
				}
			case 2:
				if old, ok := c.Remove(at); ok {
					undo = append(undo, func() { c.Set(old) })
				}
			case 3:
				if c.Move(at, to) == nil {
					undo = append(undo, func() {
						if err := c.Move(to, at); err != nil {
							t.Fatalf("undoing a move: %v", err)
						}
					})
				}
			}
			if !sortedUnique(c) {
				t.Fatalf("round %d: keys out of order: %v", round, times(c))
			}
		}
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		if len(start.Keys) == 0 && len(c.Keys) == 0 {
			continue
		}
		if !reflect.DeepEqual(*c, start) {
			t.Fatalf("round %d: after undo %+v, want %+v", round, c.Keys, start.Keys)
		}
	}
}

func TestCloneSharesNothing(t *testing.T) {
	c := keyframe.Curve{Static: 1, Keys: []keyframe.Key{key(0, 1, ""), key(5, 2, "")}}
	d := c.Clone()
	d.Keys[0].V = 100
	d.Set(key(3, 9, ""))
	if c.Keys[0].V != 1 || len(c.Keys) != 2 {
		t.Fatalf("editing the clone changed the original: %+v", c.Keys)
	}
	if (keyframe.Curve{}).Clone().Keys != nil {
		t.Fatal("cloning a curve without keys made a non-nil slice")
	}
}

func TestValidate(t *testing.T) {
	opacity, _ := keyframe.Lookup("opacity")
	fixed := keyframe.Descriptor{Name: "x", Label: "X", Type: keyframe.TypeFloat, Max: 10}
	count := keyframe.Descriptor{Name: "n", Label: "N", Type: keyframe.TypeInt, Max: 10, Animatable: true}
	cases := []struct {
		name string
		d    keyframe.Descriptor
		c    keyframe.Curve
		want string // "" means valid
	}{
		{"a sorted curve inside the range is valid", opacity, keyframe.Curve{Static: 1, Keys: []keyframe.Key{key(-2, 0, keyframe.EaseInOutSine), key(8, 1, "")}}, ""},
		{"a static value above the maximum is refused", opacity, keyframe.Curve{Static: 1.5}, "static value 1.5 is above the maximum 1"},
		{"a NaN static value is refused", opacity, keyframe.Curve{Static: math.NaN()}, "not a finite number"},
		{"a key below the minimum is refused", opacity, keyframe.Curve{Keys: []keyframe.Key{key(3, -0.1, "")}}, "keyframe at 3: value -0.1 is below the minimum 0"},
		{"an infinite key value is refused", opacity, keyframe.Curve{Keys: []keyframe.Key{key(3, math.Inf(1), "")}}, "keyframe at 3: value +Inf is not a finite number"},
		{"keys out of order are refused", opacity, keyframe.Curve{Keys: []keyframe.Key{key(5, 0, ""), key(2, 0, "")}}, "keyframe at 5 comes after the one at 2"},
		{"two keys at one time are refused", opacity, keyframe.Curve{Keys: []keyframe.Key{key(5, 0, ""), key(5, 1, "")}}, "two keyframes at 5"},
		{"an unknown interpolation is refused", opacity, keyframe.Curve{Keys: []keyframe.Key{key(5, 0, "zigzag")}}, `keyframe at 5: unknown interpolation "zigzag"`},
		{"a NaN handle is refused", opacity, keyframe.Curve{Keys: []keyframe.Key{{T: 1, V: 0, Interp: keyframe.Bezier, OutDV: math.NaN()}}}, "keyframe at 1: bezier handle NaN"},
		{"keys on a parameter that cannot be animated are refused", fixed, keyframe.Curve{Keys: []keyframe.Key{key(0, 1, "")}}, "cannot be animated"},
		{"a static value on a parameter that cannot be animated is fine", fixed, keyframe.Curve{Static: 4}, ""},
		{"a fractional value of an int parameter is refused", count, keyframe.Curve{Keys: []keyframe.Key{key(0, 2.5, "")}}, "keyframe at 0: value 2.5 is not a whole number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Validate(tc.d)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestCurveJSONRoundTripIsExact(t *testing.T) {
	c := keyframe.Curve{Static: 1.0 / 3, Keys: []keyframe.Key{
		{T: math.MinInt64, V: math.SmallestNonzeroFloat64, Interp: keyframe.Hold},
		{T: -6, V: 0.1, Interp: keyframe.Bezier, OutDT: 1.0 / 7, OutDV: -math.MaxFloat64, InDT: -2.5, InDV: math.Nextafter(1, 2)},
		{T: 0, V: math.Copysign(0, -1), Interp: keyframe.EaseInOutElastic},
		{T: 24, V: 1e-310, InDT: -1e-300, InDV: 6.02214076e23},
		{T: math.MaxInt64, V: math.MaxFloat64},
	}}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back keyframe.Curve
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Keys) != len(c.Keys) {
		t.Fatalf("got %d keys back", len(back.Keys))
	}
	bits := func(f float64) uint64 { return math.Float64bits(f) }
	if bits(back.Static) != bits(c.Static) {
		t.Errorf("static %v, want %v", back.Static, c.Static)
	}
	for i, k := range c.Keys {
		b := back.Keys[i]
		if b.T != k.T || b.Interp != k.Interp || bits(b.V) != bits(k.V) || bits(b.OutDT) != bits(k.OutDT) ||
			bits(b.OutDV) != bits(k.OutDV) || bits(b.InDT) != bits(k.InDT) || bits(b.InDV) != bits(k.InDV) {
			t.Errorf("key %d came back %+v, want %+v", i, b, k)
		}
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(again, data) {
		t.Errorf("re-encoding differs:\n%s\n%s", again, data)
	}
	t.Run("the stored field names are the ones the model and the store use", func(t *testing.T) {
		for _, field := range []string{`"static":`, `"keys":`, `"t":`, `"v":`, `"interp":"bezier"`, `"out_dt":`, `"out_dv":`, `"in_dt":`, `"in_dv":`} {
			if !bytes.Contains(data, []byte(field)) {
				t.Errorf("JSON lacks %s: %s", field, data)
			}
		}
		plain, _ := json.Marshal(keyframe.Curve{Static: 2})
		if string(plain) != `{"static":2}` {
			t.Errorf("a static curve encodes as %s", plain)
		}
	})
}
