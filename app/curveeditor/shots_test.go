package curveeditor_test

import (
	"testing"

	"github.com/slate-nle/slate/app/curveeditor"
)

func TestScreenshotsLookLikeAnEditor(t *testing.T) {
	dir := shotDir(t)
	r := newRig(t, hero)
	r.e.SetPlayhead(112)
	r.e.Select(curveeditor.KeyRef{Param: "opacity", T: 24})
	r.capture(dir, "curves")
	r.dragStart(r.key("opacity", 24), r.key("opacity", 24).AddXY(40, 20), 0)
	r.capture(dir, "curves-drag")
	r.e.DragEnd()
	a := newRig(t, music)
	a.capture(dir, "curves-audio")
	t.Logf("screenshots in %s", dir)
}
