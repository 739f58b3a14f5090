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

-- +goose Down
ALTER TABLE customers DROP COLUMN language;
ALTER TABLE customers ADD COLUMN language text NOT NULL DEFAULT '';
UPDATE customers SET language = coalesce(nullif(language_choice, ''), nullif(language_site, ''), language_mail);
ALTER TABLE customers DROP COLUMN language_choice, DROP COLUMN language_site, DROP COLUMN language_mail;
