import { Migration } from '@mikro-orm/migrations';

export class Migration20261203150000_inspections extends Migration {
  override up(): void {
    this.addSql(`
      create table industry (
        id text primary key,
        name text not null unique,
        base_risk integer not null check (base_risk between 0 and 100),
        checklist jsonb not null
      );

      alter table enterprise
        add column industry_id text references industry (id),
        add column size text not null default 'small'
          check (size in ('large', 'medium', 'small', 'micro')),
        add column status text not null default 'active'
          check (status in ('active', 'suspended', 'closed')),
        add column computed_tier text check (computed_tier in ('red', 'orange', 'yellow', 'blue')),
        add column tier_override jsonb;

      create table accident (
        id uuid primary key,
        enterprise_id text not null references enterprise (id),
        occurred_on date not null,
        severity text not null check (severity in ('fatal', 'serious', 'minor')),
        description text not null,
        recorded_by text not null,
        recorded_at timestamptz not null default now()
      );
      create index accident_enterprise_idx on accident (enterprise_id, occurred_on);

      -- every tier change and every step of an inspection cycle, append-only like case_event
      create table enterprise_event (
        id bigserial primary key,
        enterprise_id text not null references enterprise (id),
        idempotency_key text not null unique,
        type text not null,
        actor_id text,
        occurred_at timestamptz not null,
        rung integer,
        data jsonb not null default '{}'
      );
      create index enterprise_event_idx on enterprise_event (enterprise_id, id);
      create trigger enterprise_event_append_only before update or delete on enterprise_event
        for each row execute function case_event_refuse_change();

      create table inspection (
        id uuid primary key,
        enterprise_id text not null references enterprise (id),
        department_id text not null references department (id),
        inspector_id text not null,
        inspected_at timestamptz not null,
        results jsonb not null,
        failed integer not null,
        recorded_at timestamptz not null default now()
      );
      create index inspection_enterprise_idx on inspection (enterprise_id, inspected_at desc);

      alter table hazard_case add column inspection_id uuid references inspection (id);

      alter table email_ledger alter column case_no drop not null;
      alter table email_ledger add column enterprise_id text references enterprise (id);
    `);
  }

  override down(): void {
    this.addSql(`
      alter table email_ledger drop column enterprise_id;
      alter table hazard_case drop column inspection_id;
      drop table inspection, enterprise_event, accident;
      alter table enterprise drop column industry_id, drop column size, drop column status,
        drop column computed_tier, drop column tier_override;
      drop table industry;
    `);
  }
}
