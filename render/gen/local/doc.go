// Package local is the offline generation backend: deterministic for a seed, free, and
// honest about what it is. It makes procedural animatics and finishing operations with
// ffmpeg filters and Go image code, not AI footage:
//
//   - t2v: an animatic card (the prompt over a palette chosen from its words, soft shapes
//     placed by the seed) with the camera move applied; t2i: the card as a still;
//   - i2v: the camera vocabulary on a still of any size up to 8K, rendered in Go as a
//     perspective warp per frame (pan, tilt, roll, zoom, dolly, truck, pedestal, crane,
//     orbit, handheld) with easing, piped to the encoder;
//   - keyframes: a motion-compensated morph between a first and a last frame (minterpolate);
//   - restyle: looks (noir, teal-orange, bleach bypass, sepia, toon, film grain, VHS) and
//     any .cube LUT;
//   - bgremove: chroma key with spill suppression, or a difference matte against a clean
//     plate, with alpha (RGBA PNG, ProRes 4444 or FFV1);
//   - inpaint: fills a mask's white region from its surroundings (removelogo);
//   - extend: hold, boomerang, or the tail's motion eased to a stop with interpolated frames;
//   - upscale: 2× or 4×, lanczos and an unsharp mask;
//   - speech: temp dialogue from text with espeak-ng, as 48 kHz WAV.
//
// Jobs live in a work folder, one folder per idempotency key (request.json, state.json,
// out/), so a job can be found by key after a restart: finished ones are reported, an
// interrupted one is rendered again from its stored request. Character performance needs a
// model and is not offered.
package local
