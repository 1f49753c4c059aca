package otio

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/slate-nle/slate/timeline/interchange/core"
)

// PathError is bad input at a JSON path.
type PathError struct {
	Path string
	Msg  string
}

func (e *PathError) Error() string { return "otio: " + e.Path + ": " + e.Msg }

func perr(path, format string, args ...any) error {
	return &PathError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// schemaOf splits "Clip.2" into ("Clip", 2); "" when v has no OTIO_SCHEMA.
func schemaOf(v *Value) (string, int) {
	s := v.Get("OTIO_SCHEMA")
	if s == nil || s.Kind != String {
		return "", 0
	}
	name, ver, _ := strings.Cut(s.Str, ".")
	n, _ := strconv.Atoi(ver)
	return name, n
}

func str(v *Value) string {
	if v != nil && v.Kind == String {
		return v.Str
	}
	return ""
}

func boolOr(v *Value, def bool) bool {
	if v != nil && v.Kind == Bool {
		return v.Bool
	}
	return def
}

// num reads a finite number at path.
func num(v *Value, path string) (*big.Rat, error) {
	if v == nil {
		return nil, perr(path, "missing number")
	}
	if v.Kind != Number {
		return nil, perr(path, "want a number, got %s", kindName(v.Kind))
	}
	if strings.ContainsAny(v.Num, "IN") {
		return nil, perr(path, "%s is not a finite number", v.Num)
	}
	r, err := core.ParseRat(v.Num)
	if err != nil {
		return nil, perr(path, "%v", err)
	}
	return r, nil
}

func intOf(v *Value, path string, def int64) (int64, error) {
	if v.IsNull() {
		return def, nil
	}
	r, err := num(v, path)
	if err != nil {
		return 0, err
	}
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, perr(path, "want a whole number, got %s", v.Num)
	}
	return r.Num().Int64(), nil
}

func kindName(k Kind) string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// rtime is an OTIO RationalTime: seconds (exact) and the rate it was counted at.
type rtime struct {
	sec  *big.Rat
	rate *big.Rat
}

// timeOf reads a RationalTime.
func timeOf(v *Value, path string) (rtime, error) {
	if v == nil || v.Kind != Object {
		return rtime{}, perr(path, "want a RationalTime object")
	}
	val, err := num(v.Get("value"), path+".value")
	if err != nil {
		return rtime{}, err
	}
	rate, err := num(v.Get("rate"), path+".rate")
	if err != nil {
		return rtime{}, err
	}
	if rate.Sign() <= 0 {
		return rtime{}, perr(path+".rate", "rate %s must be positive", v.Get("rate").Num)
	}
	return rtime{sec: new(big.Rat).Quo(val, rate), rate: rate}, nil
}

// trange is an OTIO TimeRange in seconds.
type trange struct {
	start, dur rtime
}

func (r *trange) end() *big.Rat { return new(big.Rat).Add(r.start.sec, r.dur.sec) }

// rangeOf reads a TimeRange; nil for null or absent.
func rangeOf(v *Value, path string) (*trange, error) {
	if v.IsNull() {
		return nil, nil
	}
	if v.Kind != Object {
		return nil, perr(path, "want a TimeRange object, got %s", kindName(v.Kind))
	}
	s, err := timeOf(v.Get("start_time"), path+".start_time")
	if err != nil {
		return nil, err
	}
	d, err := timeOf(v.Get("duration"), path+".duration")
	if err != nil {
		return nil, err
	}
	if d.sec.Sign() < 0 {
		return nil, perr(path+".duration", "duration is negative")
	}
	return &trange{start: s, dur: d}, nil
}

// extraOf keeps a value for Doc.Extra: as JSON when it is strict JSON, else as a JSON string
// holding OTIO's own text (Inf and NaN are not JSON, and Extra must stay storable).
func extraOf(v *Value) json.RawMessage {
	if v == nil {
		return nil
	}
	if v.strict() {
		return json.RawMessage(v.String())
	}
	b, _ := json.Marshal(v.String())
	return b
}

// valueOfExtra reverses extraOf.
func valueOfExtra(raw json.RawMessage) (*Value, error) {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return ParseJSON([]byte(s))
	}
	return ParseJSON(raw)
}

// fromGo converts a Go value (via encoding/json) into a Value.
func fromGo(x any) *Value {
	b, err := json.Marshal(x)
	if err != nil {
		return jnull()
	}
	v, err := ParseJSON(b)
	if err != nil {
		return jnull()
	}
	return v
}

// toGo decodes a strict Value into a Go value.
func toGo(v *Value, out any) error {
	if !v.strict() {
		return fmt.Errorf("not strict JSON")
	}
	return json.Unmarshal([]byte(v.String()), out)
}
