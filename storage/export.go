package storage

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"inboxdesk/ticket"
	"io"
	"path"
	"time"
)

// exportTicket is one ticket of a customer's export, as the customer may see
// it: the conversation without the team's internal notes, and the events.
type exportTicket struct {
	Number    int64           `json:"number"`
	Subject   string          `json:"subject"`
	Status    ticket.Status   `json:"status"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Messages  []exportMessage `json:"messages"`
	Events    []exportEvent   `json:"events"`
}

type exportMessage struct {
	Author      string             `json:"author"`
	FromName    string             `json:"from_name"`
	FromEmail   string             `json:"from_email"`
	Subject     string             `json:"subject"`
	Text        string             `json:"text"`
	HTML        string             `json:"html,omitempty"`
	Source      string             `json:"source"`
	CreatedAt   time.Time          `json:"created_at"`
	Attachments []exportAttachment `json:"attachments"`
}

type exportAttachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Path        string `json:"path"` // the file's name inside the zip
}

type exportEvent struct {
	Kind      string         `json:"kind"`
	Actor     string         `json:"actor"`
	Detail    map[string]any `json:"detail"`
	CreatedAt time.Time      `json:"created_at"`
}

// ExportCustomer writes, as one zip to w, everything the customer with the
// address may see: customer.json (who they are, their tickets with messages
// and events) and each attachment under attachments/. ErrNotFound when no
// customer has the address.
func (s *Store) ExportCustomer(ctx context.Context, email string, w io.Writer) error {
	c, err := s.CustomerByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	list, err := s.TicketsByCustomer(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	z := zip.NewWriter(w)
	doc := struct {
		Email    string         `json:"email"`
		Name     string         `json:"name"`
		Language string         `json:"language"`
		Tickets  []exportTicket `json:"tickets"`
	}{Email: c.Email, Name: c.Name, Language: c.Language, Tickets: []exportTicket{}}
	for _, sum := range list {
		t, err := s.exportTicket(ctx, z, sum.ID)
		if err != nil {
			return fmt.Errorf("export ticket %d: %w", sum.Number, err)
		}
		doc.Tickets = append(doc.Tickets, t)
	}
	f, err := z.Create("customer.json")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return z.Close()
}

// exportTicket gathers one ticket and writes its attachments into z.
func (s *Store) exportTicket(ctx context.Context, z *zip.Writer, id int64) (exportTicket, error) {
	t, err := s.TicketByID(ctx, id)
	if err != nil {
		return exportTicket{}, err
	}
	out := exportTicket{Number: t.Number, Subject: t.Subject, Status: t.Status, CreatedAt: t.CreatedAt,
		UpdatedAt: t.UpdatedAt, Messages: []exportMessage{}, Events: []exportEvent{}}
	msgs, err := s.Messages(ctx, id, false)
	if err != nil {
		return out, err
	}
	for _, m := range msgs {
		em := exportMessage{Author: m.AuthorKind, FromName: m.FromName, FromEmail: m.FromEmail, Subject: m.Subject,
			Text: m.Text, HTML: m.HTML, Source: m.Source, CreatedAt: m.CreatedAt, Attachments: []exportAttachment{}}
		for _, a := range m.Attachments {
			name := path.Join("attachments", fmt.Sprintf("%d-%s", a.ID, path.Base(a.Filename)))
			if err := s.exportFile(ctx, z, a.ID, name); err != nil {
				return out, err
			}
			em.Attachments = append(em.Attachments, exportAttachment{Filename: a.Filename,
				ContentType: a.ContentType, Size: a.Size, Path: name})
		}
		out.Messages = append(out.Messages, em)
	}
	evs, err := s.Events(ctx, id)
	for _, e := range evs {
		out.Events = append(out.Events, exportEvent{Kind: e.Kind, Actor: e.Actor.String(), Detail: e.Detail,
			CreatedAt: e.CreatedAt})
	}
	return out, err
}

func (s *Store) exportFile(ctx context.Context, z *zip.Writer, id int64, name string) error {
	a, err := s.Attachment(ctx, id)
	if err != nil {
		return err
	}
	f, err := z.Create(name)
	if err != nil {
		return err
	}
	_, err = f.Write(a.Data)
	return err
}
