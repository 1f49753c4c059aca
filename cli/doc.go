// Package cli is the `slate` command line: one table of subcommands, each a function of its
// arguments and standard streams that returns an error. Main maps errors to exit codes: 0 for
// success, 1 for a failed operation (bad file, bad input), 2 for bad usage (unknown
// subcommand, bad flags). Subcommands never need a display.
package cli
