package dovecot

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
)

// requireEnv, when set to any value, turns "dovecot is not installed" from a
// skip into a failure, so CI cannot silently lose the integration tests.
const requireEnv = "INBOXDESK_REQUIRE_DOVECOT"

// findBinary looks for the dovecot master binary. Debian puts it in /usr/sbin,
// which is often missing from a non-root PATH.
func findBinary() (string, error) {
	if p, err := exec.LookPath("dovecot"); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, "dovecot")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errors.New("dovecot not found in PATH, /usr/sbin or /usr/local/sbin " +
		"(install it with scripts/install-dovecot.sh)")
}

// version runs "dovecot --version" ("2.3.19.1 (9b53102964)") and returns the
// whole line and whether it uses the 2.4 configuration syntax.
func version(bin string) (line string, is24 bool, err error) {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "", false, fmt.Errorf("dovecot --version: %w", err)
	}
	line = strings.TrimSpace(string(out))
	num, _, _ := strings.Cut(line, " ")
	parts := strings.SplitN(num, ".", 3)
	if len(parts) < 2 {
		return line, false, fmt.Errorf("dovecot --version: unexpected output %q", line)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return line, false, fmt.Errorf("dovecot --version: unexpected output %q", line)
	}
	return line, major > 2 || (major == 2 && minor >= 4), nil
}

// identity says which system users the private Dovecot runs its processes as.
type identity struct {
	loginUser     string // default_login_user (imap-login)
	internalUser  string // default_internal_user (auth, stats, ...)
	internalGroup string // default_internal_group
	mailUID       int    // mail_uid: owner of the Maildir files
	mailGID       int
	root          bool // the test runs as root: chroot works, files need chown
}

// currentIdentity picks the users for the private Dovecot.
//
// As an ordinary user, Dovecot runs "rootless": every process keeps the
// current user, and chroot is turned off because it needs root.
//
// As root, Dovecot refuses mail access with uid 0 (hard-coded "Mail access
// not allowed for root", and passwd-file rejects uid 0), so the mail
// processes run as "nobody"; login and internal processes use Debian's
// dovenull and dovecot users when they exist.
func currentIdentity() (identity, error) {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return identity{}, fmt.Errorf("current user: %w", err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return identity{}, fmt.Errorf("current group: %w", err)
		}
		return identity{
			loginUser: u.Username, internalUser: u.Username, internalGroup: g.Name,
			mailUID: os.Geteuid(), mailGID: os.Getegid(),
		}, nil
	}
	mail, err := user.Lookup("nobody")
	if err != nil {
		return identity{}, fmt.Errorf("running as root needs user nobody for mail: %w", err)
	}
	id := identity{loginUser: firstUser("dovenull", "nobody"), internalUser: firstUser("dovecot", "nobody"), root: true}
	id.mailUID, _ = strconv.Atoi(mail.Uid)
	id.mailGID, _ = strconv.Atoi(mail.Gid)
	internal, err := user.Lookup(id.internalUser)
	if err != nil {
		return identity{}, fmt.Errorf("user %s: %w", id.internalUser, err)
	}
	g, err := user.LookupGroupId(internal.Gid)
	if err != nil {
		return identity{}, fmt.Errorf("group of %s: %w", id.internalUser, err)
	}
	id.internalGroup = g.Name
	return id, nil
}

func firstUser(names ...string) string {
	for _, n := range names {
		if _, err := user.Lookup(n); err == nil {
			return n
		}
	}
	return names[len(names)-1]
}

// configData fills the configuration templates.
type configData struct {
	Dir, BaseDir, StateDir, LogPath, PasswdPath, MailRoot string
	Port                                                  int
	LoginUser, InternalUser, InternalGroup                string
	MailUID, MailGID                                      int
	Rootless                                              bool
	// IntrospectURL, when set, turns on XOAUTH2 and OAUTHBEARER with an
	// oauth2 passdb that asks this RFC 7662 endpoint about each token.
	IntrospectURL, OAuth2Conf string
}

func newConfigData(dir string, port int, id identity) configData {
	return configData{
		Dir:          dir,
		BaseDir:      filepath.Join(dir, "run"),
		StateDir:     filepath.Join(dir, "state"),
		LogPath:      filepath.Join(dir, "dovecot.log"),
		PasswdPath:   filepath.Join(dir, "passwd"),
		MailRoot:     filepath.Join(dir, "mail"),
		Port:         port,
		LoginUser:    id.loginUser,
		InternalUser: id.internalUser, InternalGroup: id.internalGroup,
		MailUID: id.mailUID, MailGID: id.mailGID,
		Rootless: !id.root,
	}
}

// Settings shared by both syntaxes. mail_fsync = never because the data is
// throw-away and fsync dominates APPEND time; the per-user connection limit
// (default 10) is raised for tests that run several pollers.
const commonConfig = `protocols = imap
listen = 127.0.0.1
base_dir = {{.BaseDir}}
state_dir = {{.StateDir}}
log_path = {{.LogPath}}
ssl = no
auth_mechanisms = plain login{{if .IntrospectURL}} xoauth2 oauthbearer
auth_verbose = yes{{end}}
default_login_user = {{.LoginUser}}
default_internal_user = {{.InternalUser}}
default_internal_group = {{.InternalGroup}}
mail_uid = {{.MailUID}}
mail_gid = {{.MailGID}}
first_valid_uid = {{.MailUID}}
first_valid_gid = {{.MailGID}}
mail_fsync = never
mail_max_userip_connections = 100
service imap-login {
  inet_listener imap {
    port = {{.Port}}
  }
  inet_listener imaps {
    port = 0
  }
{{- if .Rootless}}
  chroot =
{{- end}}
}
{{- if .Rootless}}
service anvil {
  chroot =
}
{{- end}}
`

// mailbox_list_index answers STATUS from one small index instead of opening
// the folder; it is the default from Dovecot 2.4 on and recommended before.
var config23 = template.Must(template.New("2.3").Parse(commonConfig + `
disable_plaintext_auth = no
mailbox_list_index = yes
mail_location = maildir:{{.MailRoot}}/%u
{{- if .IntrospectURL}}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {{.OAuth2Conf}}
}
{{- end}}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{.PasswdPath}}
}
userdb {
  driver = passwd-file
  args = username_format=%u {{.PasswdPath}}
}
`))

// config24 follows the Dovecot 2.4 syntax (which must start with
// dovecot_config_version). Written from the 2.4 documentation; Debian 12
// ships 2.3, so it has not been exercised here.
var config24 = template.Must(template.New("2.4").Parse(`dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
` + commonConfig + `
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = {{.MailRoot}}/%{user}
namespace inbox {
  inbox = yes
}
passdb passwd-file {
  passwd_file_path = {{.PasswdPath}}
}
userdb passwd-file {
  passwd_file_path = {{.PasswdPath}}
}
`))

// oauth2Config is the oauth2 passdb's file (Dovecot 2.3): a token is good
// when introspection says it is active and names the signing-in user.
var oauth2Config = template.Must(template.New("oauth2").Parse(`introspection_url = {{.IntrospectURL}}
introspection_mode = post
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
`))

func renderConfig(d configData, is24 bool) ([]byte, error) {
	if strings.ContainsAny(d.Dir, " \t\"'#\\") {
		return nil, fmt.Errorf("temp dir %q has characters a Dovecot config cannot hold unquoted; set TMPDIR", d.Dir)
	}
	tmpl := config23
	if is24 {
		tmpl = config24
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("render dovecot config: %w", err)
	}
	return buf.Bytes(), nil
}

// writeOAuth2Config writes the oauth2 passdb's file and points the main
// configuration at it.
func (s *Server) writeOAuth2Config(introspectURL string) error {
	s.cfg.IntrospectURL = introspectURL
	s.cfg.OAuth2Conf = filepath.Join(s.cfg.Dir, "dovecot-oauth2.conf.ext")
	var buf bytes.Buffer
	if err := oauth2Config.Execute(&buf, s.cfg); err != nil {
		return fmt.Errorf("render oauth2 config: %w", err)
	}
	return os.WriteFile(s.cfg.OAuth2Conf, buf.Bytes(), 0o644)
}
