package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"inboxdesk/link"
	"inboxdesk/push"
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

func runVAPIDKeys(_ context.Context, _ []string, out io.Writer) error {
	k, err := push.GenerateVAPIDKeys()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "INBOXDESK_VAPID_PUBLIC_KEY=%s\nINBOXDESK_VAPID_PRIVATE_KEY=%s\n", k.Public, k.Private)
	return err
}
