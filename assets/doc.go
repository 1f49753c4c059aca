// Package assets is Slate's media library engine: it probes media files with ffprobe, hashes
// their content, finds moved files again, and makes the derived media the editor shows
// (thumbnails, filmstrips, waveform peaks) and optional preview proxies. It runs the real
// ffmpeg and ffprobe (Debian package "ffmpeg") as subprocesses, found by FFmpeg and FFprobe
// ($SLATE_FFMPEG / $SLATE_FFPROBE, else PATH). It imports rt and the standard library only.
//
//	in, err := assets.Probe(ctx, "take1.mov")        // or ProbeSequence(ctx, "shot.%04d.png", 1, rt.Rate24)
//	in.Hash, err = assets.Hash(ctx, in.Path)          // "sha256:<hex>"
//	png, err := assets.Thumbnail(ctx, in, cacheDir, 90)
//	peaks, err := assets.Waveform(ctx, in, cacheDir, 100)
//
// Contract:
//   - Probe and ProbeSequence take ffprobe's JSON (-show_format -show_streams) and return
//     Info: Kind (video, audio, image, sequence), Duration in frames at Rate (video,
//     sequences) or in samples at SampleRate (audio-only; DurationRate says which), the
//     displayed Width and Height (rotation applied), the exact Rate from r_frame_rate, VFR
//     when r_frame_rate and avg_frame_rate differ (Duration then counts frames at Rate over
//     the stream's length, as the renderer conforms it), Rotation (counter-clockwise degrees,
//     from the display matrix or the older rotate tag), pixel format, colour tags, alpha,
//     codecs, audio layout, timecode tag, and Raw (ffprobe's whole output). Cover art in music
//     files is not a picture track. Stills (PNG, JPEG, WebP, TIFF, EXR, BMP, one-frame GIF)
//     are Image with no rate or duration. DetectSequence finds the numbered run a still
//     belongs to.
//   - Bad media gets one error per file, one line, starting with the path: ErrOffline for
//     a missing file; ErrBadMedia for a folder, an empty file, one we may not read
//     (also fs.ErrPermission), a truncated MP4/MOV, a file that is not media, and an
//     unsupported codec (also ErrUnsupported). errors.Is tells them apart. A cancelled ctx
//     returns ctx.Err().
//   - Hash streams the file in 1 MiB chunks (flat memory, cancellable between chunks).
//     QuickKey (size, mtime, inode) lets a caller skip rehashing an unchanged file.
//     FindByHash walks folders for a moved file, hashing only files of the right size.
//   - Derived media go in a cache folder the caller names (a project: NAME.slate-media/cache),
//     named from Info.Hash when set, else from the path and QuickKey, plus the parameters:
//     computed once, recomputed after the file changes. Each is written to a temporary name
//     and renamed into place; cancelling kills ffmpeg and leaves no partial file. Thumbnail
//     is the frame 10% in (stills: the picture); Filmstrip decodes the whole file to pick
//     evenly spaced frames, so it is background work; Waveform decodes mono 16-bit at
//     WaveRate (8 kHz) into min/max peaks; Proxy is at most 960×540, every frame a keyframe,
//     audio kept, for preview only (export always reads the original).
//   - Info is stored as JSON in project.Media.Probe. Mapping to render.Media: Name = base of
//     Path, Path = Path (a printf pattern for sequences), Kind = Kind, Rate = Rate (zero for
//     stills and audio), Width/Height = Width/Height (already as displayed), HasVideo,
//     HasAudio as is, SequenceStart = SequenceStart, Offline = errors.Is(err, ErrOffline) on
//     a fresh Probe (or a failed stat). Because Raw sits under "raw", readers of plain
//     ffprobe JSON (mediaset) read the stored record too.
package assets
