// Package arch holds the test that keeps Slate's package boundaries (DESIGN.md, "Packages
// and what each may import"): it fails when a forbidden import edge appears.
package arch
