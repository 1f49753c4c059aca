package keyframe

import (
	"fmt"
	"math"
	"slices"

	"github.com/slate-nle/slate/timeline/rt"
)

// Interp names how a curve moves from one key to the next. It is stored on the key where
// the segment starts.
type Interp string

// Key is one keyframe of a curve. T is in frames relative to the clip's start (at the
// timeline rate), so keys follow the clip when it moves.
type Key struct {
	T      rt.Time `json:"t"`
	V      float64 `json:"v"`
	Interp Interp  `json:"interp,omitempty"` // segment from this key to the next; "" means linear
	// Bezier handles, used when Interp is bezier: the out handle of this key and the in
	// handle of the next one, as (dt, dv) offsets from their key, dt in frames (fractional).
	OutDT float64 `json:"out_dt,omitempty"`
	OutDV float64 `json:"out_dv,omitempty"`
	InDT  float64 `json:"in_dt,omitempty"`
	InDV  float64 `json:"in_dv,omitempty"`
}

// Curve is the value of one animatable parameter over a clip: Static when it has no keys,
// otherwise the keys (sorted by T, no two at the same T) interpolated.
type Curve struct {
	Static float64 `json:"static"`
	Keys   []Key   `json:"keys,omitempty"`
}

// find returns the index of the first key at or after t and whether it is at t.
func (c *Curve) find(t rt.Time) (int, bool) {
	i, found := slices.BinarySearchFunc(c.Keys, t, func(k Key, t rt.Time) int {
		switch {
		case k.T < t:
			return -1
		case k.T > t:
			return 1
		}
		return 0
	})
	return i, found
}

// Index returns the position in Keys of the key at t, or -1 when there is none.
func (c *Curve) Index(t rt.Time) int {
	if i, ok := c.find(t); ok {
		return i
	}
	return -1
}

// Set puts k on the curve, replacing the key at the same T if there is one. It returns the
// replaced key and true, or the zero Key and false when k was added, so an undo can restore
// the curve exactly (Set(old) or Remove(k.T)).
func (c *Curve) Set(k Key) (old Key, existed bool) {
	i, found := c.find(k.T)
	if found {
		old = c.Keys[i]
		c.Keys[i] = k
		return old, true
	}
	c.Keys = slices.Insert(c.Keys, i, k)
	return Key{}, false
}

// Remove deletes the key at t and returns it, or returns false when there is none. Removing
// the last key leaves Keys nil, so the curve is back to Static.
func (c *Curve) Remove(t rt.Time) (Key, bool) {
	i, found := c.find(t)
	if !found {
		return Key{}, false
	}
	k := c.Keys[i]
	c.Keys = slices.Delete(c.Keys, i, i+1)
	if len(c.Keys) == 0 {
		c.Keys = nil
	}
	return k, true
}

// Move moves the key at from to time to, keeping its value, interpolation and handles. Moving
// a key onto itself does nothing. It errors when there is no key at from or another key is
// already at to.
func (c *Curve) Move(from, to rt.Time) error {
	i, found := c.find(from)
	if !found {
		return fmt.Errorf("no keyframe at %d", from)
	}
	if from == to {
		return nil
	}
	if c.Index(to) >= 0 {
		return fmt.Errorf("a keyframe already exists at %d", to)
	}
	k := c.Keys[i]
	c.Keys = slices.Delete(c.Keys, i, i+1)
	k.T = to
	c.Set(k)
	return nil
}

// Shift adds d to every key's time (used when a clip's head is trimmed, so keys stay on the
// frames of content they were set on). Times saturate at the int64 limits; keys pushed onto
// the same limit collapse to the one that was nearest the rest, keeping keys unique.
// Shift(-d) undoes Shift(d) whenever nothing saturated.
func (c *Curve) Shift(d rt.Time) {
	if d == 0 || len(c.Keys) == 0 {
		return
	}
	sat := false
	for i := range c.Keys {
		t, err := rt.Add(c.Keys[i].T, d)
		if err != nil {
			sat = true
			if d > 0 {
				t = math.MaxInt64
			} else {
				t = math.MinInt64
			}
		}
		c.Keys[i].T = t
	}
	if !sat {
		return
	}
	// Collapsed keys form one run at an end; keep the one nearest the others.
	if d > 0 {
		c.Keys = slices.CompactFunc(c.Keys, func(a, b Key) bool { return a.T == b.T })
		return
	}
	last := 0
	for last+1 < len(c.Keys) && c.Keys[last+1].T == math.MinInt64 {
		last++
	}
	c.Keys = slices.Delete(c.Keys, 0, last)
}

// Clone returns a copy of the curve that shares no memory with c.
func (c Curve) Clone() Curve {
	c.Keys = slices.Clone(c.Keys)
	return c
}

// Validate checks the curve against its parameter's descriptor: Static and every key value
// finite, inside [Min, Max] and whole for int and bool parameters; handles finite; keys
// sorted by T with no two at the same T; interpolations known; no keys on a parameter that is
// not animatable. Errors name the key by its time; callers add the parameter's name.
func (c *Curve) Validate(d Descriptor) error {
	if c == nil {
		return nil
	}
	if err := d.check(c.Static); err != nil {
		return fmt.Errorf("static %w", err)
	}
	if len(c.Keys) > 0 && !d.Animatable {
		return fmt.Errorf("has %d keyframes but cannot be animated", len(c.Keys))
	}
	for i, k := range c.Keys {
		if i > 0 {
			switch p := c.Keys[i-1].T; {
			case p == k.T:
				return fmt.Errorf("two keyframes at %d", k.T)
			case p > k.T:
				return fmt.Errorf("keyframe at %d comes after the one at %d: keys must be sorted by time", p, k.T)
			}
		}
		if err := d.check(k.V); err != nil {
			return fmt.Errorf("keyframe at %d: %w", k.T, err)
		}
		if !k.Interp.Valid() {
			return fmt.Errorf("keyframe at %d: unknown interpolation %q", k.T, k.Interp)
		}
		for _, h := range []float64{k.OutDT, k.OutDV, k.InDT, k.InDV} {
			if math.IsNaN(h) || math.IsInf(h, 0) {
				return fmt.Errorf("keyframe at %d: bezier handle %v is not a finite number", k.T, h)
			}
		}
	}
	return nil
}
