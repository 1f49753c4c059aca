package playback_test

import (
	"context"
	"encoding/binary"
	"image"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slate-nle/slate/render/playback"
	"github.com/slate-nle/slate/timeline/rt"
)

// stamped renders frame f as a 1x1 image whose red is f of the current edit's offset, and
// counts calls running at once.
type stamped struct {
	offset  atomic.Int64
	running atomic.Int64
	bad     atomic.Bool // a call ran during Replace
	mu      sync.Mutex
	calls   []rt.Time
}

func (s *stamped) Frame(ctx context.Context, f rt.Time) (*image.RGBA, error) {
	s.running.Add(1)
	defer s.running.Add(-1)
	s.mu.Lock()
	s.calls = append(s.calls, f)
	s.mu.Unlock()
	time.Sleep(time.Millisecond)
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Pix[0] = byte(int64(f) + s.offset.Load())
	return img, nil
}

func (s *stamped) Audio(ctx context.Context, start int64, out []float32) error {
	for i := range out {
		out[i] = float32(start + int64(i/2))
	}
	return nil
}

func TestTheQueueDecodesAheadWithinItsWindow(t *testing.T) {
	src := &stamped{}
	q := playback.NewQueue(src, 2, 6, 100)
	defer q.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	q.Want(10, 1)
	img, err := q.Wait(ctx, 15)
	if err != nil || img.Pix[0] != 15 {
		t.Fatalf("frame 15 of the window from 10: %v %v", img, err)
	}
	time.Sleep(20 * time.Millisecond)
	src.mu.Lock()
	for _, f := range src.calls {
		if f < 10 || f >= 16 {
			t.Errorf("rendered frame %d outside the window 10-15", f)
		}
	}
	src.mu.Unlock()

	q.Want(98, -1)
	if img, err := q.Wait(ctx, 93); err != nil || img.Pix[0] != 93 {
		t.Fatalf("backward window: frame 93: %v %v", img, err)
	}
	if _, _, ok := q.Get(12); ok {
		t.Error("frame 12 is still kept after the window moved to 93-98")
	}
	q.Want(98, 1)
	time.Sleep(20 * time.Millisecond)
	if _, _, ok := q.Get(100); ok {
		t.Error("frame 100 of a 100-frame timeline was rendered")
	}
}

func TestReplaceWaitsForRendersAndForgetsOldFrames(t *testing.T) {
	src := &stamped{}
	q := playback.NewQueue(src, 2, 8, 1000)
	defer q.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	q.Want(0, 1)
	if _, err := q.Wait(ctx, 3); err != nil {
		t.Fatal(err)
	}
	err := q.Replace(500, func(s playback.Source) (playback.Source, error) {
		if src.running.Load() != 0 {
			src.bad.Store(true)
		}
		src.offset.Store(100)
		return s, nil
	})
	if err != nil || src.bad.Load() {
		t.Fatalf("replace: %v, a render ran during it: %v", err, src.bad.Load())
	}
	if img, err := q.Wait(ctx, 3); err != nil || img.Pix[0] != 103 {
		t.Errorf("frame 3 after the edit has red %v (%v), want 103 from the new edit", img.Pix[0], err)
	}
}

func TestTheAudioStreamReadsFloatStereoAndSilencePastTheEnd(t *testing.T) {
	s := playback.NewAudioStream(context.Background(), &stamped{}, 1000, 1003)
	b := make([]byte, 8*5)
	n, err := io.ReadFull(s, b)
	if err != nil || n != len(b) {
		t.Fatalf("read %d: %v", n, err)
	}
	want := []float32{1000, 1000, 1001, 1001, 1002, 1002, 0, 0, 0, 0}
	for i, w := range want {
		if got := math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:])); got != w {
			t.Fatalf("sample %d is %v, want %v (all: %v)", i, got, w, want)
		}
	}
	if s.Pos() != 1005 {
		t.Errorf("stream position %d after 5 frames from 1000", s.Pos())
	}
}

func TestWatchNotifiesOnAChange(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var changed atomic.Bool
	got := make(chan struct{}, 1)
	go playback.Watch(ctx, 5*time.Millisecond, func() (bool, error) { return changed.Load(), nil },
		func() {
			select {
			case got <- struct{}{}:
			default:
			}
		}, nil)
	select {
	case <-got:
		t.Fatal("notified before any change")
	case <-time.After(30 * time.Millisecond):
	}
	changed.Store(true)
	select {
	case <-got:
	case <-time.After(2 * time.Second):
		t.Fatal("no notice within 2 s of a change")
	}
}
