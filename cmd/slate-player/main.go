// Command slate-player is Slate's preview player: it plays a project's timeline in its own
// Ebiten window, driven by JSON lines on stdin and reporting JSON events on stdout (see
// docs/player-protocol.md). The editor starts it; it can also be run by hand.
//
//	slate-player [--no-audio] [--scale 0.25|0.5|1] [--fullscreen] project.slate
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/slate-nle/slate/player"
)

func main() {
	// A child run that only checks the sound device (see player.ProbeAudio).
	if len(os.Args) == 3 && os.Args[1] == "--probe-audio" {
		sr, err := strconv.Atoi(os.Args[2])
		if err == nil {
			err = player.ProbeAudio(sr)
		}
		if err != nil {
			fmt.Print(err)
			os.Exit(1)
		}
		return
	}
	fs := flag.NewFlagSet("slate-player", flag.ContinueOnError)
	noAudio := fs.Bool("no-audio", false, "play without sound, on the wall clock")
	scale := fs.Float64("scale", 0.5, "preview scale: 0.25, 0.5 or 1")
	full := fs.Bool("fullscreen", false, "start full screen")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: slate-player [--no-audio] [--scale 0.25|0.5|1] [--fullscreen] project.slate")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		os.Exit(2)
	}
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = player.Run(ctx, player.Options{
		Project: fs.Arg(0), Scale: *scale, NoAudio: *noAudio, Fullscreen: *full,
		ProbeAudio: player.ProbeInChild(exe, "--probe-audio"),
	})
	if err != nil {
		line, _ := json.Marshal(map[string]string{"event": "error", "message": err.Error()})
		fmt.Println(string(line))
		fmt.Fprintln(os.Stderr, "slate-player:", err)
		os.Exit(1)
	}
}
