package gen_test

import (
	"testing"

	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/render/gen/gentest"
)

func TestMemStoreKeepsTheStoreContract(t *testing.T) {
	gentest.Store(t, func(*testing.T) gen.Store { return gen.NewMemStore() })
}
