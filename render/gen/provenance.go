package gen

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SidecarSuffix is appended to a generated file's name for its provenance manifest.
const SidecarSuffix = ".slate.json"

// Provenance says what made a generated file. It is written beside the file, recorded with
// the take, and meant to be carried into exports as metadata.
type Provenance struct {
	Generator    string          `json:"generator"` // "slate"
	Backend      string          `json:"backend"`
	BackendKind  Kind            `json:"backend_kind"`
	Model        string          `json:"model,omitempty"`
	Op           Op              `json:"op"`
	Tier         Tier            `json:"tier"`
	PromptSHA256 string          `json:"prompt_sha256,omitempty"`
	Seed         int64           `json:"seed"`
	Camera       string          `json:"camera,omitempty"`
	Inputs       []ProvenanceRef `json:"inputs,omitempty"`
	CacheKey     string          `json:"cache_key"`
	Job          int64           `json:"job"`
	Output       ProvenanceRef   `json:"output"`
	Created      time.Time       `json:"created"`
	// AI is false for procedural output (the local backend), true for model-generated media.
	AI bool `json:"ai_generated"`
}

// Tags is the provenance as container metadata for an export (ffmpeg -metadata KEY=VALUE):
// a readable comment plus slate_* keys, so an exported master says which parts were
// generated, by what, from which seed.
func (p Provenance) Tags() map[string]string {
	what := "procedural"
	if p.AI {
		what = "AI-generated"
	}
	c := fmt.Sprintf("%s by %s", what, p.Backend)
	if p.Model != "" {
		c += " (" + p.Model + ")"
	}
	c += fmt.Sprintf(", %s, seed %d, Slate", p.Op, p.Seed)
	t := map[string]string{"comment": c, "slate_backend": p.Backend, "slate_op": string(p.Op),
		"slate_seed": fmt.Sprint(p.Seed), "slate_cache_key": p.CacheKey, "slate_ai_generated": fmt.Sprint(p.AI)}
	if p.Model != "" {
		t["slate_model"] = p.Model
	}
	if p.PromptSHA256 != "" {
		t["slate_prompt_sha256"] = p.PromptSHA256
	}
	return t
}

// ProvenanceRef names a file by role and content hash.
type ProvenanceRef struct {
	Role   string `json:"role"`
	Path   string `json:"path,omitempty"`
	SHA256 string `json:"sha256"`
}

// ReadSidecar reads the provenance manifest of a generated file (the file's path, not the
// sidecar's).
func ReadSidecar(path string) (Provenance, error) {
	b, err := os.ReadFile(path + SidecarSuffix)
	if err != nil {
		return Provenance{}, fmt.Errorf("provenance of %s: %w", path, err)
	}
	var p Provenance
	if err := json.Unmarshal(b, &p); err != nil {
		return Provenance{}, fmt.Errorf("provenance of %s: %w", path, err)
	}
	return p, nil
}

// storeOutputs copies outputs into the media folder under names that cannot collide (job id),
// hashing them on the way, and writes a sidecar manifest for each.
func (q *Queue) storeOutputs(j Job, outs []Output, when time.Time) ([]TakeOutput, error) {
	kind := Local
	if s, ok := q.backends[j.Request.Backend]; ok {
		kind = s.b.Info().Kind
	}
	var res []TakeOutput
	for i, o := range outs {
		ext := strings.ToLower(filepath.Ext(o.Path))
		name := fmt.Sprintf("%s-job%d-seed%d", j.Request.Op, j.ID, j.Request.Seed)
		if len(outs) > 1 {
			name += fmt.Sprintf("-%d", i+1)
		}
		name += ext
		dst := filepath.Join(q.media, name)
		sum, size, err := copyHashed(o.Path, dst)
		if err != nil {
			return nil, err
		}
		p := Provenance{Generator: "slate", Backend: j.Request.Backend, BackendKind: kind, Model: j.Request.Model,
			Op: j.Request.Op, Tier: j.Request.Tier, Seed: j.Request.Seed, CacheKey: j.CacheKey, Job: j.ID,
			Output: ProvenanceRef{Role: o.Kind, Path: name, SHA256: sum}, Created: when, AI: kind != Local}
		if j.Request.Prompt != "" {
			h := sha256.Sum256([]byte(j.Request.Prompt))
			p.PromptSHA256 = hex.EncodeToString(h[:])
		}
		if !j.Request.Camera.IsStatic() {
			p.Camera = j.Request.Camera.String()
		}
		for _, in := range j.Request.Inputs {
			p.Inputs = append(p.Inputs, ProvenanceRef{Role: in.Role, SHA256: in.Hash})
		}
		b, _ := json.MarshalIndent(p, "", "  ")
		if err := writeAtomic(dst+SidecarSuffix, b); err != nil {
			return nil, err
		}
		res = append(res, TakeOutput{Path: name, Kind: o.Kind, Alpha: o.Alpha, SHA256: sum, Size: size, Sidecar: name + SidecarSuffix})
	}
	return res, nil
}

// copyHashed copies src to dst through a temporary file renamed into place, so a crash
// never leaves a half-written take file under its final name.
func copyHashed(src, dst string) (string, int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", 0, fmt.Errorf("output %s: %w", src, err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".part-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), in)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("copy %s: %w", src, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".part-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
