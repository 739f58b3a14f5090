package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"inboxdesk/link"
)

func runServe(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("serve", out)
	cfg, err := parseConfig(fs, args)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogFormat, os.Stderr)
	a, err := newApp(ctx, cfg, log, appTuning{})
	if err != nil {
		return err
	}
	log.Info("inboxdesk starting", "version", version)
	return a.run(ctx)
}

func runLinkKey(_ context.Context, _ []string, out io.Writer) error {
	_, err := fmt.Fprintln(out, link.GenerateKey())
	return err
}
