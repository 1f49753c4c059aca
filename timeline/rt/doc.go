// Package rt is Slate's rational time: frame rates as integer fractions, time as an integer
// count of frames at a rate, half-open ranges of frames, exact rescaling between rates and
// SMPTE timecode (including drop-frame for 29.97 and 59.94).
//
// Contract: nothing in the model is a float number of seconds. Seconds appear only at the
// edges (UI, CLI, files) through Rate.Seconds and Rate.FromSeconds. Every function that can
// meet bad input (a zero rate, a malformed timecode, an overflow) returns an error; none panics.
//
// It imports only the standard library.
package rt
