-- The roles and grants of a carrierdesk database on PostgreSQL 15 or later: what a DBA runs
-- once, before the first `carrierdesk db migrate`. It can run again, after the migrations
-- too: what exists already is left, and the grants then cover the tables they built.
--
-- Run as a superuser, or a role with CREATEROLE and CREATEDB, with psql, which fills the
-- placeholders from -v options:
--
--   psql -X -v ON_ERROR_STOP=1 \
--        -v dbname=carrierdesk \
--        -v owner=carrierdesk_owner \
--        -v operators=carrierdesk_operators \
--        -v console=carrierdesk_console \
--        -f src/store/pg/roles.sql postgres
--
-- Placeholders (psql variables; :"x" is the value as an identifier, :'x' as a literal):
--   dbname     the database to create, owned by the owner role.
--   owner      a login role that owns the database and its schema and runs the
--              migrations: `carrierdesk db migrate --db postgres://carrierdesk_owner@host/carrierdesk`.
--              Consoles never connect as it.
--   operators  a group role (no login) with what a console needs: SELECT, INSERT, UPDATE and
--              DELETE on the tables, INSERT and SELECT only on audit_log, USAGE on the
--              sequences, CONNECT and TEMPORARY (imports stage CDRs in a temporary table)
--              on the database, and no CREATE on the schema, so it cannot change the schema.
--   console    a login role in operators that consoles connect as. A team may instead give
--              each operator a login role of their own (below); audit rows then record
--              that role (current_user), which a client cannot claim falsely.
--   locale     optional, default C.UTF-8: the database's locale. It must be a UTF-8 locale
--              (lower() must fold letters beyond ASCII for the case-insensitive unique
--              names; the first migration refuses a database where it does not).
--   owner_password, console_password
--              optional: set the passwords here. Without them, set them afterwards with
--              psql's \password ROLE, which sends only a hash: a password in a CREATE or
--              ALTER ROLE statement can end up in the server's log and in shell history.
--
-- An operator's own login role, later:
--   CREATE ROLE alice LOGIN IN ROLE carrierdesk_operators;  then  \password alice
--
-- The migrations (v1_schema.sql) take UPDATE, DELETE and TRUNCATE on audit_log back from
-- every role but the owner, whatever the default privileges below grant, and its triggers
-- refuse updates and deletes even to the owner.

\set ON_ERROR_STOP on
\if :{?locale}
\else
\set locale C.UTF-8
\endif

-- The roles, unless they exist.
SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') AS has_owner,
       EXISTS (SELECT FROM pg_roles WHERE rolname = :'operators') AS has_operators,
       EXISTS (SELECT FROM pg_roles WHERE rolname = :'console') AS has_console,
       EXISTS (SELECT FROM pg_database WHERE datname = :'dbname') AS has_database \gset
\if :has_owner
\else
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif
\if :has_operators
\else
CREATE ROLE :"operators" NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif
\if :has_console
\else
CREATE ROLE :"console" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif
GRANT :"operators" TO :"console";
\if :{?owner_password}
ALTER ROLE :"owner" PASSWORD :'owner_password';
\endif
\if :{?console_password}
ALTER ROLE :"console" PASSWORD :'console_password';
\endif

-- The database, owned by the owner; only the operators (and the owner) may connect.
\if :has_database
\else
CREATE DATABASE :"dbname" OWNER :"owner" ENCODING 'UTF8' LOCALE :'locale' TEMPLATE template0;
\endif
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname" TO :"operators";

\connect :"dbname"

-- The schema belongs to the owner; nobody else creates anything in it.
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"operators";

-- What the migrations create from now on (as the owner) is the operators' to use.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"operators";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO :"operators";

-- Run again after the migrations: the same on what they built, audit_log append-only.
SELECT to_regclass('public.audit_log') IS NOT NULL AS schema_built \gset
\if :schema_built
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"operators";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO :"operators";
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM :"operators";
\endif
