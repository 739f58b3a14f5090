-- +goose Up
-- A customer's language is kept per source, and the language they are
-- spoken to in is the first known of: their explicit choice (their own
-- setting, or an agent's), the last page the site served them, their latest
-- mail (its header, else its detected text). This is the order of package
-- lang (lang.Resolve); a store test holds the two to the same answer.
ALTER TABLE customers
    ADD COLUMN language_choice text NOT NULL DEFAULT '',
    ADD COLUMN language_site   text NOT NULL DEFAULT '',
    ADD COLUMN language_mail   text NOT NULL DEFAULT '';
UPDATE customers SET language_mail = language;
ALTER TABLE customers DROP COLUMN language;
ALTER TABLE customers ADD COLUMN language text NOT NULL
    GENERATED ALWAYS AS (coalesce(nullif(language_choice, ''), nullif(language_site, ''), language_mail)) STORED;

-- A customer whose link expired can ask for a fresh one (sent to the address
-- the old link was for), as an alert of its own reason.
ALTER TABLE alerts DROP CONSTRAINT alerts_reason_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_reason_check
    CHECK (reason IN ('received', 'replied', 'info_requested', 'resolved', 'link_requested'));

-- +goose Down
DELETE FROM alerts WHERE reason = 'link_requested';
ALTER TABLE alerts DROP CONSTRAINT alerts_reason_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_reason_check
    CHECK (reason IN ('received', 'replied', 'info_requested', 'resolved'));
ALTER TABLE customers DROP COLUMN language;
ALTER TABLE customers ADD COLUMN language text NOT NULL DEFAULT '';
UPDATE customers SET language = coalesce(nullif(language_choice, ''), nullif(language_site, ''), language_mail);
ALTER TABLE customers DROP COLUMN language_choice, DROP COLUMN language_site, DROP COLUMN language_mail;
