package edit_test

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/slate-nle/slate/timeline/edit"
)

// The vocabulary doc must show every op, and every example in it must decode.
func TestDocsCommandsMdShowsEveryOpWithAValidExample(t *testing.T) {
	b, err := os.ReadFile("../../docs/commands.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := regexp.MustCompile("(?s)```json\n(.*?)\n```").FindAllSubmatch(b, -1)
	var shown []string
	for _, m := range examples {
		c, err := edit.Unmarshal(m[1])
		if err != nil {
			t.Errorf("example %s does not decode: %v", m[1], err)
			continue
		}
		shown = append(shown, c.Op())
	}
	for _, op := range edit.Ops() {
		if !slices.Contains(shown, op) {
			t.Errorf("op %q has no example in docs/commands.md", op)
		}
	}
}
