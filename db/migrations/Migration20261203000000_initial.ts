import { Migration } from '@mikro-orm/migrations';

export class Migration20261203000000_initial extends Migration {
  override up(): void {
    this.addSql(`
      create table department (
        id text primary key,
        name text not null,
        kind text not null
          check (kind in ('supervising', 'committee_office', 'committee', 'inspection_office')),
        escalation_email text not null,
        created_at timestamptz not null default now()
      );

      create table enterprise (
        id text primary key,
        name text not null,
        credit_code text not null unique,
        industry text not null,
        township text not null,
        department_id text not null references department (id),
        responsible_name text not null,
        responsible_email text not null,
        safety_manager_name text not null,
        safety_manager_email text not null,
        created_at timestamptz not null default now()
      );
      create index enterprise_department_idx on enterprise (department_id);

      create table policy_version (
        version text primary key,
        document jsonb not null,
        first_loaded_at timestamptz not null default now()
      );

      create sequence hazard_case_no_seq;

      create table hazard_case (
        case_no text primary key,
        workflow_id text not null unique,
        level text not null check (level in ('general', 'major')),
        status text not null,
        title text not null,
        description text not null,
        location text not null,
        source text not null,
        enterprise_id text not null references enterprise (id),
        department_id text not null references department (id),
        policy_version text not null references policy_version (version),
        found_at timestamptz not null,
        registered_at timestamptz not null,
        late_registration boolean not null,
        confirmed_at timestamptz,
        closed_at timestamptz,
        round integer not null,
        step_kind text,
        step_key text,
        step_deadline timestamptz,
        rung integer,
        pending_extension jsonb,
        opened_by text not null,
        last_seq integer not null,
        updated_at timestamptz not null
      );
      create index hazard_case_list_idx on hazard_case (registered_at desc, case_no desc);
      create index hazard_case_status_idx on hazard_case (status);
      create index hazard_case_enterprise_idx on hazard_case (enterprise_id);
      create index hazard_case_department_idx on hazard_case (department_id);
      create index hazard_case_deadline_idx on hazard_case (step_deadline)
        where step_deadline is not null;

      create table case_event (
        id bigserial primary key,
        case_no text not null references hazard_case (case_no),
        idempotency_key text not null unique,
        type text not null,
        actor_id text,
        actor_role text,
        actor_name text,
        occurred_at timestamptz not null,
        step_key text,
        rung integer,
        data jsonb not null default '{}',
        recorded_at timestamptz not null default now()
      );
      create index case_event_case_idx on case_event (case_no, id);

      -- the event log is append-only
      create function case_event_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'case_event is append-only';
      end $$;
      create trigger case_event_append_only before update or delete on case_event
        for each row execute function case_event_refuse_change();

      create table evidence (
        id uuid primary key,
        case_no text not null references hazard_case (case_no),
        kind text not null
          check (kind in ('photo_before', 'photo_after', 'test_report', 'other')),
        sha256 text not null,
        media_type text not null,
        size_bytes integer not null,
        original_name text not null,
        uploaded_by text not null,
        uploaded_at timestamptz not null,
        unique (case_no, sha256)
      );

      create table email_ledger (
        idempotency_key text primary key,
        case_no text not null references hazard_case (case_no),
        message_id text not null unique,
        recipient text not null,
        subject text not null,
        status text not null check (status in ('claimed', 'sent')),
        attempts integer not null default 0,
        claimed_at timestamptz not null,
        sent_at timestamptz
      );
      create index email_ledger_case_idx on email_ledger (case_no);

      create table idempotency_record (
        principal text not null,
        key text not null,
        method text not null,
        path text not null,
        request_hash text not null,
        status_code integer,
        response_body jsonb,
        created_at timestamptz not null default now(),
        primary key (principal, key)
      );
    `);
  }

  override down(): void {
    this.addSql(`
      drop table idempotency_record, email_ledger, evidence, case_event, hazard_case,
        policy_version, enterprise, department cascade;
      drop sequence hazard_case_no_seq;
      drop function case_event_refuse_change;
    `);
  }
}
