// Package rt is Slate's rational time: frame rates as integer fractions, time as an integer
// count of frames at a rate, half-open ranges of frames, exact rescaling between rates and
// SMPTE timecode (including drop-frame for 29.97 and 59.94).
//
// Contract: nothing in the model is a float number of seconds. Seconds appear only at the
// edges (UI, CLI, files) through Rate.Seconds and Rate.FromSeconds. Every function that can
// meet bad input (a zero rate, a malformed timecode, an overflow) returns an error; none panics.
//
// Rescaling floors: frame t at one rate maps to the frame at the other rate that is on screen
// when t starts, for negative times too. It is exact integer arithmetic (128-bit, or math/big
// for huge rate parts) and reports ErrOverflow rather than wrapping.
//
// Timecode counts at the nominal rate (Rate.Nominal: 24 for 23.976, 30 for 29.97). Drop-frame
// (Rate.DropFrameAllowed: 29.97 and 59.94 only) skips 2 or 4 labels at each minute but every
// tenth and is written HH:MM:SS;FF. A timecode labels one day: frames from 0 to
// Rate.FramesPerDay-1; nothing wraps past 24 hours.
//
// It imports only the standard library.
package rt
