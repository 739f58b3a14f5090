package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"inboxdesk/auth"
	"inboxdesk/storage"
)

func runAgent(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: inboxdesk agent add|list|disable|enable|password|role|token [flags]")
	}
	if args[0] == "token" {
		return runAgentToken(ctx, args[1:], out)
	}
	fs := newFlags("agent "+args[0], out)
	db := dbFlag(fs)
	email := fs.String("email", "", "agent's email address (their sign-in name)")
	name := fs.String("name", "", "agent's display name")
	role := fs.String("role", "", "admin or agent (add: default admin for a team's first agent, else agent)")
	pool, err := parseAndOpen(ctx, fs, db, args[1:])
	if err != nil {
		return err
	}
	defer pool.Close()
	store := auth.NewStore(storage.NewSignIn(pool), auth.Config{})
	switch args[0] {
	case "add":
		return agentAdd(ctx, store, *email, *name, *role, os.Stdin, out)
	case "role":
		if *email == "" || *role == "" {
			return errors.New("--email and --role are required")
		}
		r, err := auth.ParseAgentRole(*role)
		if err != nil {
			return err
		}
		return store.SetAgentRole(ctx, *email, r)
	case "password":
		return agentPassword(ctx, store, *email, os.Stdin, out)
	case "list":
		return agentList(ctx, store, out)
	case "disable":
		if *email == "" {
			return errors.New("--email is required")
		}
		return store.DisableAgent(ctx, *email)
	case "enable":
		if *email == "" {
			return errors.New("--email is required")
		}
		return store.EnableAgent(ctx, *email)
	}
	return fmt.Errorf("unknown agent command %q (add, list, disable, enable, password, role)", args[0])
}

// readPassword takes the password from the first line of in (a pipe), or
// makes a strong one when in is a terminal or empty (generated is then true:
// the caller prints it once the account has it).
func readPassword(in *os.File) (pw string, generated bool, err error) {
	if st, err := in.Stat(); err == nil && st.Mode()&os.ModeCharDevice == 0 {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, err
		}
		if p := strings.TrimRight(line, "\r\n"); p != "" {
			return p, false, nil
		}
	}
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b), true, nil
}

// showPassword prints a generated password, only after it was stored: a
// password for an add or change that failed would be one nobody can use.
func showPassword(out io.Writer, pw string, generated bool) {
	if generated {
		fmt.Fprintf(out, "password (shown once): %s\n", pw)
	}
}

func agentAdd(ctx context.Context, store *auth.Store, email, name, role string, in *os.File, out io.Writer) error {
	if email == "" || name == "" {
		return errors.New("--email and --name are required (the password is read from stdin, or generated)")
	}
	var r auth.AgentRole
	if role != "" {
		var err error
		if r, err = auth.ParseAgentRole(role); err != nil {
			return err
		}
	}
	pw, generated, err := readPassword(in)
	if err != nil {
		return err
	}
	a, err := store.CreateAgentAs(ctx, r, email, name, pw)
	if err != nil {
		return err
	}
	showPassword(out, pw, generated)
	_, err = fmt.Fprintf(out, "added agent %s <%s> (%s)\n", a.Name, a.Email, a.Role)
	return err
}

func agentPassword(ctx context.Context, store *auth.Store, email string, in *os.File, out io.Writer) error {
	if email == "" {
		return errors.New("--email is required")
	}
	pw, generated, err := readPassword(in)
	if err != nil {
		return err
	}
	if err := store.SetPassword(ctx, email, pw); err != nil {
		return err
	}
	showPassword(out, pw, generated)
	return nil
}

func agentList(ctx context.Context, store *auth.Store, out io.Writer) error {
	agents, err := store.ListAgents(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tNAME\tROLE\tSTATUS")
	for _, a := range agents {
		status := "active"
		if a.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.Email, a.Name, a.Role, status)
	}
	return w.Flush()
}
