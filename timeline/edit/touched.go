package edit

import "github.com/slate-nle/slate/timeline"

// Touched lists what a command changed, so a store can write only those rows. Build it from
// the inverse a command returned (a batch of primitives): every object named there was put,
// dropped or replaced. IDs may name objects that no longer exist (they were dropped).
type Touched struct {
	Clips       map[timeline.ID]bool
	Tracks      map[timeline.ID]bool // track headers, membership or order changed
	ShiftedOn   map[timeline.ID]bool // tracks whose clips moved (rewrite their clip positions)
	Transitions map[timeline.ID]bool
	Markers     map[timeline.ID]bool
	Sequences   map[timeline.ID]bool
	NextID      bool
}

// TouchedBy walks the primitives in c (usually an inverse) and collects what they name.
func TouchedBy(c Command) Touched {
	t := Touched{
		Clips: map[timeline.ID]bool{}, Tracks: map[timeline.ID]bool{}, ShiftedOn: map[timeline.ID]bool{},
		Transitions: map[timeline.ID]bool{}, Markers: map[timeline.ID]bool{}, Sequences: map[timeline.ID]bool{},
	}
	t.add(c)
	return t
}

func (t *Touched) add(c Command) {
	switch c := c.(type) {
	case *Batch:
		for _, s := range c.Cmds {
			if s.Command != nil {
				t.add(s.Command)
			}
		}
	case *PutClip:
		t.Clips[c.Clip.ID] = true
	case *DropClip:
		t.Clips[c.Clip] = true
	case *ReplaceClip:
		t.Clips[c.Clip.ID] = true
	case *Shift:
		t.ShiftedOn[c.Track] = true
	case *PutTransition:
		t.Transitions[c.Transition.ID] = true
	case *DropTransition:
		t.Transitions[c.Transition] = true
	case *ReplaceTransition:
		t.Transitions[c.Transition.ID] = true
	case *PutMarker:
		t.Markers[c.Marker.ID] = true
	case *DropMarker:
		t.Markers[c.Marker] = true
	case *ReplaceMarker:
		t.Markers[c.Marker.ID] = true
	case *PutTrack:
		t.Tracks[c.Track.ID] = true
		for _, cl := range c.Track.Clips {
			t.Clips[cl.ID] = true
		}
		for _, tr := range c.Track.Transitions {
			t.Transitions[tr.ID] = true
		}
	case *DropTrack:
		t.Tracks[c.Track] = true
	case *PlaceTrack:
		t.Tracks[c.Track] = true
	case *TrackHeader:
		t.Tracks[c.Track] = true
	case *PutSequence:
		t.Sequences[c.ID] = true
	case *DropSequence:
		t.Sequences[c.Seq] = true
	case *NameSequence:
		t.Sequences[c.Seq] = true
	case *NextID:
		t.NextID = true
	default:
		// A user-level command: it is not a primitive, so everything may have changed.
		// Stores should pass inverses, which are always primitives.
		t.NextID = true
	}
}
