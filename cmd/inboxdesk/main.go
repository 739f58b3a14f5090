// Command inboxdesk is the email-integrated support ticketing gateway: one
// binary with subcommands to serve, migrate, poll, manage mailboxes and
// agents, and run a self-contained demo.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name, args, help string
	run              func(ctx context.Context, args []string, out io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "[flags]", "run the web view, the mailbox poller and the alert sender", runServe},
		{"demo", "[--reset] [--listen ADDR]", "run everything in one process with embedded mail servers", runDemo},
		{"migrate", "", "apply database migrations and exit", runMigrate},
		{"poll", "[--mailbox NAME]", "poll every mailbox (or one) once and exit", runPoll},
		{"mailbox", "add|list|update|remove", "manage the IMAP mailboxes inboxdesk polls", runMailbox},
		{"oauth", "add|list|renew|remove", "manage OAuth2 grants mailboxes and SMTP sign in with", runOAuth},
		{"agent", "add|list|password|disable|enable", "manage agent accounts", runAgent},
		{"link-key", "", "print a new magic-link key for INBOXDESK_LINK_KEYS", runLinkKey},
		{"vapid-keys", "", "print a new Web Push key pair for INBOXDESK_VAPID_*", runVAPIDKeys},
		{"webhook", "add|list|remove|deliveries", "register URLs that are sent signed ticket events", runWebhook},
		{"customer", "export|erase --email ADDR", "export a customer's data as a zip, or erase it", runCustomer},
		{"version", "", "print the version", func(_ context.Context, _ []string, out io.Writer) error {
			_, err := fmt.Fprintln(out, "inboxdesk", version)
			return err
		}},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "inboxdesk — email support tickets without lost mail, loops or duplicates")
	fmt.Fprintln(w, "\nUsage: inboxdesk COMMAND [flags]   (inboxdesk COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %-32s %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(w, "\nEvery flag also reads an environment variable (DATABASE_URL, INBOXDESK_*); see `inboxdesk serve --help`.")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(out)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], out)
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if err != nil {
			fmt.Fprintf(errOut, "inboxdesk %s: %s\n", c.name, redactSecrets(err.Error()))
			return 1
		}
		return 0
	}
	fmt.Fprintf(errOut, "inboxdesk: unknown command %q\n\n", args[0])
	usage(errOut)
	return 2
}

// newFlags is a subcommand's flag set; its usage (--help) goes to out.
func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}
