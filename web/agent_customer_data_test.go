package web_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

const (
	eraseAddr  = "ana.erase@example.org"
	eraseWords = "zebracrossing-7Q41"
)

// eraseTicket has a customer mail a ticket with an attachment.
func (e *env) eraseTicket() int64 {
	e.t.Helper()
	return e.mailIn(mail(eraseAddr, "Invoice "+eraseWords, "my body says "+eraseWords, "",
		ticket.Attachment{Filename: "notes.txt", ContentType: "text/plain", Data: []byte("file says " + eraseWords)}))
}

func TestCustomerExportAndEraseRefuseAgents(t *testing.T) {
	e := newEnv(t, nil)
	n := e.eraseTicket()
	agent, _ := e.agentBrowser("zoe@support.test")
	p := agent.get(fmt.Sprintf("/agent/tickets/%d", n))
	p.want(http.StatusOK, eraseAddr)
	if p.byID("customer-export") != nil || p.byID("erase-form") != nil {
		t.Error("an agent's ticket page offers export or erase")
	}
	if r := agent.get(fmt.Sprintf("/agent/tickets/%d/customer/export", n)); r.status != http.StatusForbidden ||
		strings.Contains(r.body, eraseWords) {
		t.Errorf("export as agent: %d, want 403", r.status)
	}
	r := agent.post(fmt.Sprintf("/agent/tickets/%d/customer/erase", n),
		url.Values{"csrf": {p.input("csrf")}, "confirm": {eraseAddr}})
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "Only an admin") {
		t.Errorf("erase as agent: %d, want 403", r.status)
	}
	if _, err := e.tickets.CustomerByEmail(e.ctx, eraseAddr); err != nil {
		t.Fatalf("a refused erase removed the customer: %v", err)
	}
}

func TestAdminExportsCustomerZip(t *testing.T) {
	e := newEnv(t, nil)
	n := e.eraseTicket()
	admin, _ := e.adminBrowser("lee@support.test")
	p := admin.get(fmt.Sprintf("/agent/tickets/%d", n))
	href := attr(p.byID("customer-export"), "href")
	if href != fmt.Sprintf("/agent/tickets/%d/customer/export", n) {
		t.Fatalf("export link %q", href)
	}
	r := admin.get(href)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("export: %d %v", r.status, r.header)
	}
	z, err := zip.NewReader(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
	if err != nil {
		t.Fatalf("export is not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	doc := files["customer.json"]
	for _, want := range []string{`"email":"` + eraseAddr + `"`, "Invoice " + eraseWords, "my body says " + eraseWords, "notes.txt"} {
		if !strings.Contains(strings.ReplaceAll(doc, `": "`, `":"`), want) {
			t.Errorf("customer.json lacks %q:\n%s", want, doc)
		}
	}
	found := false
	for name, body := range files {
		if strings.HasPrefix(name, "attachments/") && body == "file says "+eraseWords {
			found = true
		}
	}
	if !found {
		t.Errorf("the zip lacks the attachment: %v", len(files))
	}
}

func TestAdminErasesCustomerAfterConfirming(t *testing.T) {
	e := newEnv(t, nil)
	n := e.eraseTicket()
	admin, _ := e.adminBrowser("lee@support.test")
	p := admin.get(fmt.Sprintf("/agent/tickets/%d", n))
	path := fmt.Sprintf("/agent/tickets/%d/customer/erase", n)
	for _, confirm := range []string{"", "bob@example.org"} {
		r := admin.post(path, url.Values{"csrf": {p.input("csrf")}, "confirm": {confirm}})
		r.want(http.StatusUnprocessableEntity, "Nothing was erased")
	}
	if r := admin.post(path, url.Values{"csrf": {"wrong"}, "confirm": {eraseAddr}}); r.status != http.StatusForbidden {
		t.Errorf("erase with a bad CSRF token: %d, want 403", r.status)
	}
	for _, needle := range []string{eraseAddr, eraseWords} {
		if found := pgtest.TablesContaining(e.ctx, t, e.pool, needle); len(found) < 2 {
			t.Fatalf("a refused erase removed %q already: %v", needle, found)
		}
	}
	r := admin.post(path, url.Values{"csrf": {p.input("csrf")}, "confirm": {" ANA.Erase@example.org "}})
	r.want(http.StatusOK, "Customer erased.", "This customer was erased")
	if r.url.Path != fmt.Sprintf("/agent/tickets/%d", n) || strings.Contains(r.body, eraseAddr) ||
		strings.Contains(r.body, eraseWords) || r.byID("erase-form") != nil {
		t.Fatalf("after the erase the ticket page (%s) still shows the customer:\n%s", r.url, r.body)
	}
	for _, needle := range []string{eraseAddr, eraseWords} {
		if found := pgtest.TablesContaining(e.ctx, t, e.pool, needle); len(found) != 0 {
			t.Errorf("after the erase %q is still in %v", needle, found)
		}
	}
	if r := admin.post(path, url.Values{"csrf": {p.input("csrf")}, "confirm": {eraseAddr}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a second erase: %d, want 422", r.status)
	}
}
