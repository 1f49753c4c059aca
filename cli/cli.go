package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Version is Slate's version, set at build time with -ldflags "-X .../cli.Version=...".
var Version = "0.1.0-dev"

// Env is what a subcommand may touch of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Command is one subcommand.
type Command struct {
	Name    string
	Usage   string // argument synopsis, e.g. "FILE.slate [--json]"
	Summary string // one line for the help listing
	Run     func(ctx context.Context, env Env, args []string) error
}

var commands = map[string]*Command{}

// Register adds a subcommand; packages of the binary call it from init.
func Register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: subcommand registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// UsageError marks an error as bad usage (exit code 2).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef builds a UsageError.
func Usagef(format string, a ...any) error { return &UsageError{fmt.Sprintf(format, a...)} }

// Main runs the command line and returns the exit code. With no arguments it runs the
// subcommand registered as "" (the editor), when there is one.
func Main(args []string, env Env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, env)
}

func run(ctx context.Context, args []string, env Env) int {
	name := ""
	if len(args) > 0 {
		name = args[0]
		args = args[1:]
	}
	switch name {
	case "--version", "version":
		fmt.Fprintf(env.Stdout, "slate %s\n", Version)
		return 0
	case "-h", "--help", "help":
		help(env.Stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok && strings.HasSuffix(name, ".slate") {
		if c, ok = commands["open"]; ok {
			args = append([]string{name}, args...)
		}
	}
	if !ok {
		if name == "" {
			help(env.Stderr)
			return 2
		}
		fmt.Fprintf(env.Stderr, "slate: unknown subcommand %q (run 'slate help' for the list)\n", name)
		return 2
	}
	err := c.Run(ctx, env, args)
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "slate %s: %v\nusage: slate %s %s\n", c.Name, err, c.Name, c.Usage)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "slate %s: %v\n", c.Name, err)
		return 1
	}
}

func help(w io.Writer) {
	fmt.Fprintf(w, "slate %s: a non-linear video editor for AI-assisted filmmaking\n\n", Version)
	fmt.Fprintln(w, "usage: slate [SUBCOMMAND] [ARGS]")
	fmt.Fprintln(w, "\nsubcommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		if n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  %-16s %s\n", n, c.Summary)
	}
	fmt.Fprintln(w, "  version          print the version")
	fmt.Fprintln(w, "  help             print this help")
	fmt.Fprintln(w, "\nRun 'slate SUBCOMMAND -h' for a subcommand's flags.")
}

// FlagSet makes a flag set for a subcommand that reports errors as usage errors and prints
// its help to the given writer.
func FlagSet(c *Command, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("slate "+c.Name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "usage: slate %s %s\n%s\n", c.Name, c.Usage, c.Summary)
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses flags that may come before or after positional arguments, returning the
// positional ones; a flag error is a usage error.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &UsageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
