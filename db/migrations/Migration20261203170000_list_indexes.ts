import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes in the order the case list is read (newest first), under the filters every inspector's
 * list has: the department, with or without a state, and the enterprise. The list then reads its
 * page from the index instead of sorting every matching case. They replace the single-column
 * department and enterprise indexes, whose lookups their first column serves.
 */
export class Migration20261203170000_list_indexes extends Migration {
  override up(): void {
    this.addSql(`
      create index hazard_case_department_list_idx
        on hazard_case (department_id, registered_at desc, case_no desc);
      create index hazard_case_department_status_list_idx
        on hazard_case (department_id, status, registered_at desc, case_no desc);
      create index hazard_case_enterprise_list_idx
        on hazard_case (enterprise_id, registered_at desc, case_no desc);
      drop index hazard_case_department_idx;
      drop index hazard_case_enterprise_idx;
    `);
  }

  override down(): void {
    this.addSql(`
      create index hazard_case_department_idx on hazard_case (department_id);
      create index hazard_case_enterprise_idx on hazard_case (enterprise_id);
      drop index hazard_case_department_list_idx, hazard_case_department_status_list_idx,
        hazard_case_enterprise_list_idx;
    `);
  }
}
