package keyframe_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// curveFrom decodes fuzz bytes into a curve: 41 bytes a key (time, value, interpolation,
// four handles). Keys with non-finite numbers are skipped: the property is about finite keys.
func curveFrom(data []byte) *keyframe.Curve {
	interps := keyframe.AllInterps()
	c := &keyframe.Curve{}
	f := func(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }
	for len(data) >= 41 {
		k := keyframe.Key{
			T:      rt.Time(int64(binary.LittleEndian.Uint64(data[0:]))),
			V:      f(data[8:]),
			Interp: interps[int(data[16])%len(interps)],
			OutDT:  f(data[17:]),
			OutDV:  f(data[25:]),
			InDT:   f(data[33:]),
		}
		// Reuse the value bits for InDV so the record stays short.
		k.InDV = -k.OutDV
		data = data[41:]
		ok := true
		for _, v := range []float64{k.V, k.OutDT, k.OutDV, k.InDT} {
			ok = ok && !math.IsNaN(v) && !math.IsInf(v, 0)
		}
		if ok {
			c.Set(k)
		}
	}
	return c
}

func keyBytes(t int64, v float64, interp byte, odt, odv, idt float64) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(t))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	b = append(b, interp)
	for _, x := range []float64{odt, odv, idt} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func FuzzValueAt(f *testing.F) {
	join := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	f.Add(join(keyBytes(0, 0, 2, 10, 0, -10), keyBytes(30, 10, 0, 0, 0, 0)), 15.0)
	f.Add(join(keyBytes(0, -math.MaxFloat64, 2, 1e300, math.MaxFloat64, -1e300), keyBytes(3, math.MaxFloat64, 3, 0, 0, 0), keyBytes(5, -math.MaxFloat64, 29, 0, 0, 0), keyBytes(6, 1, 0, 0, 0, 0)), 4.5)
	f.Add(join(keyBytes(math.MinInt64, 1, 3, 0, 0, 0), keyBytes(math.MaxInt64, -1, 3, 0, 0, 0)), 0.0)
	f.Add(join(keyBytes(1<<60, 5, 2, -4, 1e10, 7), keyBytes(1<<60+1, 6, 1, 0, 0, 0)), float64(1<<60)+0.5)
	f.Add([]byte{}, math.NaN())
	f.Fuzz(func(t *testing.T, data []byte, at float64) {
		c := curveFrom(data)
		for _, x := range []float64{at, math.Nextafter(at, math.Inf(1)), at / 2, math.Floor(at)} {
			if v := c.ValueAt(x); math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("ValueAt(%v) = %v for keys %+v", x, v, c.Keys)
			}
		}
		// At a key the value is the key's, unless a neighbour's time rounds to the same
		// float64 (times beyond 2^53), where "at the key" cannot be told apart.
		for i, k := range c.Keys {
			ft := float64(k.T)
			if i > 0 && float64(c.Keys[i-1].T) == ft || i+1 < len(c.Keys) && float64(c.Keys[i+1].T) == ft {
				continue
			}
			if v := c.ValueAt(ft); v != k.V {
				t.Fatalf("at key %d: %v, want %v", k.T, v, k.V)
			}
		}
	})
}
