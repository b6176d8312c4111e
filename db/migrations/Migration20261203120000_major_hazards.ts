import { Migration } from '@mikro-orm/migrations';

export class Migration20261203120000_major_hazards extends Migration {
  override up(): void {
    this.addSql(`
      create table assessment_body (
        id text primary key,
        name text not null,
        accreditation_no text not null unique,
        email text not null,
        created_at timestamptz not null default now()
      );

      alter table hazard_case
        add column grading jsonb,
        add column plan jsonb,
        add column stop_order jsonb,
        add column assessment_id text,
        add column assessor_body_id text references assessment_body (id);
      create index hazard_case_stop_order_idx on hazard_case (enterprise_id)
        where stop_order is not null;

      create table assessment (
        id text primary key,
        case_no text not null references hazard_case (case_no),
        body_id text not null references assessment_body (id),
        round integer not null,
        status text not null check (status in ('assigned', 'passed', 'failed', 'withdrawn')),
        assigned_at timestamptz not null,
        deadline timestamptz not null,
        concluded_at timestamptz,
        findings text,
        report_evidence_id uuid references evidence (id),
        signed_by text
      );
      create index assessment_body_idx on assessment (body_id, status);

      alter table evidence drop constraint evidence_kind_check;
      alter table evidence add constraint evidence_kind_check
        check (kind in ('photo_before', 'photo_after', 'test_report', 'plan', 'assessment_report', 'other'));
    `);
  }

  override down(): void {
    this.addSql(`
      drop table assessment;
      alter table hazard_case drop column grading, drop column plan, drop column stop_order,
        drop column assessment_id, drop column assessor_body_id;
      drop table assessment_body;
    `);
  }
}
