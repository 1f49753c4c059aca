// Command slate is the Slate editor and its headless subcommands (see `slate help`).
package main

import (
	"os"

	"github.com/slate-nle/slate/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
