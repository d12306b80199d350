"""The agency's PostgreSQL schema as numbered migrations (SQL text only).

`noteapp agency init` applies every migration the server does not have yet, each in its own
transaction with its row in `noteapp.migrations`; a server with a newer schema than this
noteapp knows is refused rather than guessed at. A migration is never edited once shipped:
a change is a new one at the end.

What the server stores (docs/agency.md, "What the server can and cannot see"): random ids,
login role names, chart sequence numbers, key epochs, signed membership documents without
client data, and ciphertext. Row-level security keeps each member to the charts assigned to
them; reading a chart's versions needs a pull ticket — a row of the access log written in the
same transaction — so no read goes unlogged.

`{members}` is the agency's group role (every member login is granted it); the schema is
owned by the administrator's login, which runs the migrations.
"""

from __future__ import annotations

SCHEMA = "noteapp"

_V1 = """
CREATE SCHEMA noteapp;
REVOKE ALL ON SCHEMA noteapp FROM PUBLIC;
GRANT USAGE ON SCHEMA noteapp TO {members};

CREATE TABLE noteapp.migrations (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE noteapp.agency (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    agency_id uuid NOT NULL,
    member_role name NOT NULL,
    record bytea NOT NULL
);
CREATE TABLE noteapp.logins (
    login name PRIMARY KEY,
    member_id uuid NOT NULL UNIQUE,
    active boolean NOT NULL DEFAULT true,
    is_admin boolean NOT NULL DEFAULT false
);
CREATE TABLE noteapp.members (
    member_id uuid PRIMARY KEY REFERENCES noteapp.logins (member_id),
    join_request bytea,
    certificate bytea
);
CREATE TABLE noteapp.charts (
    chart_id uuid PRIMARY KEY,
    head bigint NOT NULL DEFAULT 0 CHECK (head >= 0),
    epoch integer NOT NULL DEFAULT 0
);
CREATE TABLE noteapp.epochs (
    chart_id uuid NOT NULL REFERENCES noteapp.charts,
    epoch integer NOT NULL,
    record bytea NOT NULL,
    PRIMARY KEY (chart_id, epoch)
);
CREATE TABLE noteapp.assignments (
    chart_id uuid NOT NULL REFERENCES noteapp.charts,
    member_id uuid NOT NULL REFERENCES noteapp.logins (member_id),
    role text NOT NULL CHECK (role IN ('clinician', 'supervisor')),
    PRIMARY KEY (chart_id, member_id)
);
CREATE INDEX assignments_member ON noteapp.assignments (member_id);
CREATE TABLE noteapp.key_wraps (
    chart_id uuid NOT NULL,
    epoch integer NOT NULL,
    member_id uuid NOT NULL,
    wrapped bytea NOT NULL,
    wrapped_by uuid NOT NULL,
    PRIMARY KEY (chart_id, epoch, member_id),
    FOREIGN KEY (chart_id, epoch) REFERENCES noteapp.epochs
);
CREATE TABLE noteapp.versions (
    chart_id uuid NOT NULL REFERENCES noteapp.charts,
    seq bigint NOT NULL,
    epoch integer NOT NULL,
    author uuid NOT NULL,
    blob bytea NOT NULL,
    PRIMARY KEY (chart_id, seq)
);
CREATE TABLE noteapp.access_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    login name NOT NULL DEFAULT session_user,
    member_id uuid,
    xact xid8 NOT NULL DEFAULT pg_current_xact_id(),
    action text NOT NULL,
    chart_id uuid,
    first_seq bigint,
    last_seq bigint,
    count integer NOT NULL DEFAULT 0
);
CREATE INDEX access_log_ticket ON noteapp.access_log (xact, chart_id);
CREATE TABLE noteapp.device_audit (
    member_id uuid NOT NULL,
    device text NOT NULL,
    last_seq bigint NOT NULL,
    blob bytea NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, device, last_seq)
);

-- Who is asking: the session's login (a SECURITY DEFINER function runs as its owner, but
-- session_user stays the member who logged in).
CREATE FUNCTION noteapp.me() RETURNS uuid LANGUAGE sql STABLE
    SET search_path = pg_catalog AS
$$ SELECT member_id FROM noteapp.logins WHERE login = session_user AND active $$;
CREATE FUNCTION noteapp.is_admin() RETURNS boolean LANGUAGE sql STABLE
    SET search_path = pg_catalog AS
$$ SELECT coalesce((SELECT is_admin FROM noteapp.logins
                     WHERE login = session_user AND active), false) $$;
-- Definer rights (the schema owner is not subject to these tables' policies) so a policy
-- may ask about assignments it could not itself read.
CREATE FUNCTION noteapp.assigned(c uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog AS
$$ SELECT EXISTS (SELECT 1 FROM noteapp.assignments a
                    JOIN noteapp.logins l ON l.member_id = a.member_id
                   WHERE a.chart_id = c AND l.login = session_user AND l.active) $$;
CREATE FUNCTION noteapp.is_assigned(c uuid, m uuid) RETURNS boolean LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path = pg_catalog AS
$$ SELECT EXISTS (SELECT 1 FROM noteapp.assignments WHERE chart_id = c AND member_id = m) $$;

-- A version takes the next number of its chart, under the chart's current key epoch; the
-- row lock makes numbers follow commit order, so a device never misses one.
CREATE FUNCTION noteapp.versions_place() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog AS
$$
BEGIN
    UPDATE noteapp.charts SET head = head + 1
     WHERE chart_id = NEW.chart_id AND head = NEW.seq - 1 AND epoch = NEW.epoch;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'noteapp: the chart changed since it was read'
            USING ERRCODE = '40001';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER versions_place BEFORE INSERT ON noteapp.versions
    FOR EACH ROW EXECUTE FUNCTION noteapp.versions_place();
CREATE FUNCTION noteapp.versions_logged() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog AS
$$
BEGIN
    INSERT INTO noteapp.access_log (member_id, action, chart_id, first_seq, last_seq, count)
    SELECT noteapp.me(), 'push', chart_id, min(seq), max(seq), count(*)
      FROM new_rows GROUP BY chart_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER versions_logged AFTER INSERT ON noteapp.versions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION noteapp.versions_logged();
CREATE FUNCTION noteapp.append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'noteapp: % is append-only', TG_TABLE_NAME; END $$;
CREATE TRIGGER versions_append_only BEFORE UPDATE OR DELETE ON noteapp.versions
    FOR EACH ROW EXECUTE FUNCTION noteapp.append_only();
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON noteapp.access_log
    FOR EACH ROW EXECUTE FUNCTION noteapp.append_only();

ALTER TABLE noteapp.charts ENABLE ROW LEVEL SECURITY;
CREATE POLICY charts_read ON noteapp.charts FOR SELECT
    USING (noteapp.assigned(chart_id) OR noteapp.is_admin());
ALTER TABLE noteapp.epochs ENABLE ROW LEVEL SECURITY;
CREATE POLICY epochs_read ON noteapp.epochs FOR SELECT
    USING (noteapp.assigned(chart_id) OR noteapp.is_admin());
ALTER TABLE noteapp.assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY assignments_read ON noteapp.assignments FOR SELECT
    USING (member_id = noteapp.me() OR noteapp.is_admin());
ALTER TABLE noteapp.key_wraps ENABLE ROW LEVEL SECURITY;
CREATE POLICY key_wraps_read ON noteapp.key_wraps FOR SELECT
    USING (noteapp.assigned(chart_id) OR noteapp.is_admin());
CREATE POLICY key_wraps_add ON noteapp.key_wraps FOR INSERT
    WITH CHECK (wrapped_by = noteapp.me() AND noteapp.assigned(chart_id)
                AND noteapp.is_assigned(chart_id, member_id));
ALTER TABLE noteapp.members ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_read ON noteapp.members FOR SELECT USING (true);
CREATE POLICY members_join ON noteapp.members FOR UPDATE
    USING (member_id = noteapp.me() AND certificate IS NULL)
    WITH CHECK (member_id = noteapp.me() AND certificate IS NULL);
-- Versions: forced, so even the schema owner reads them only with a pull ticket.
ALTER TABLE noteapp.versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE noteapp.versions FORCE ROW LEVEL SECURITY;
CREATE POLICY versions_read ON noteapp.versions FOR SELECT USING (
    noteapp.assigned(chart_id) AND EXISTS (
        SELECT 1 FROM noteapp.access_log l
         WHERE l.xact = pg_current_xact_id() AND l.login = session_user
           AND l.action = 'pull' AND l.chart_id = versions.chart_id
           AND versions.seq > l.first_seq AND versions.seq <= l.last_seq));
CREATE POLICY versions_add ON noteapp.versions FOR INSERT
    WITH CHECK (author = noteapp.me() AND noteapp.assigned(chart_id));
ALTER TABLE noteapp.access_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY access_log_read ON noteapp.access_log FOR SELECT
    USING (login = session_user OR noteapp.is_admin());
CREATE POLICY access_log_pull ON noteapp.access_log FOR INSERT WITH CHECK (
    action = 'pull' AND login = session_user AND member_id = noteapp.me()
    AND xact = pg_current_xact_id() AND noteapp.assigned(chart_id)
    AND first_seq >= 0 AND last_seq >= first_seq AND count = last_seq - first_seq);
ALTER TABLE noteapp.device_audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY device_audit_read ON noteapp.device_audit FOR SELECT
    USING (member_id = noteapp.me() OR noteapp.is_admin());
CREATE POLICY device_audit_add ON noteapp.device_audit FOR INSERT
    WITH CHECK (member_id = noteapp.me());

GRANT SELECT ON noteapp.migrations, noteapp.agency, noteapp.logins, noteapp.members,
    noteapp.charts, noteapp.epochs, noteapp.assignments, noteapp.key_wraps, noteapp.versions,
    noteapp.access_log, noteapp.device_audit TO {members};
GRANT UPDATE (join_request) ON noteapp.members TO {members};
GRANT INSERT ON noteapp.key_wraps, noteapp.versions, noteapp.device_audit TO {members};
GRANT INSERT (member_id, action, chart_id, first_seq, last_seq, count)
    ON noteapp.access_log TO {members};
GRANT USAGE ON SEQUENCE noteapp.access_log_id_seq TO {members};
"""

# Index 0 is migration 1. Never edit a shipped one; add the next at the end.
MIGRATIONS: tuple[str, ...] = (_V1,)
