import type { Knex } from "knex";

// SQLite drops the users column by rebuilding the table, which it cannot do inside a transaction.
export const config = { transaction: false };

// Activity reports and unit evaluation (DESIGN §3): units and their reporters, the week's activities,
// news reports and unit summaries with their files, the cities' packages, and the evaluation contest.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("units", (t) => {
    t.string("id", 36).primary();
    t.string("name", 200).notNullable();
    // identityKey(name): one unit is one unit, however its name is typed.
    t.string("name_key", 200).notNullable().unique();
    t.string("city", 20).notNullable();
    // 省直部门 | 市科技局 | 高校 | 科研院所 | 学会 | 企业 | 学校 | 其他
    t.string("kind", 20).notNullable();
    t.string("created_at", 30).notNullable();
    t.string("updated_at", 30).notNullable();
    // The registry's order, and a city's units.
    t.index(["city", "kind", "name"]);
  });
  await knex.schema.alterTable("users", (t) => {
    // A reporter's unit (the accounts that report for it).
    t.string("unit_id", 36).nullable().references("id").inTable("units").index();
  });
  await knex.schema.createTable("report_weeks", (t) => {
    t.string("id", 36).primary();
    t.string("title", 200).notNullable();
    // A news report is due this many calendar days (Asia/Shanghai) after its activity ends.
    t.integer("news_due_days").notNullable().defaultTo(3);
    // The units' summaries and videos are due by this instant (10 September in 2020).
    t.string("summary_due_at", 30).notNullable();
    // Newest first: the current week is the newest.
    t.string("created_at", 30).notNullable().index();
  });
  await knex.schema.createTable("activities", (t) => {
    t.string("id", 36).primary();
    t.string("week_id", 36).notNullable().references("id").inTable("report_weeks");
    t.string("unit_id", 36).notNullable().references("id").inTable("units").index();
    t.string("city", 20).notNullable();
    t.string("title", 200).notNullable();
    // 科学防控 | 科普行动 | 科技扶贫 | 科创惠民
    t.string("theme", 20).notNullable();
    // 线上直播 | 网络展厅 | 短视频 | 现场活动
    t.string("form", 20).notNullable();
    t.string("starts_at", 30).notNullable();
    t.string("ends_at", 30).notNullable();
    t.string("place", 500).notNullable().defaultTo("");
    // unit key + title key + start day: a re-import updates the same activity instead of adding one.
    t.string("import_key", 450).notNullable();
    t.string("created_at", 30).notNullable();
    t.string("updated_at", 30).notNullable();
    t.unique(["week_id", "import_key"]);
    t.index(["week_id", "city"]);
    // A city's public page lists its published reports across weeks, newest activity first.
    t.index(["city", "starts_at"]);
  });
  await knex.schema.createTable("news_reports", (t) => {
    t.string("id", 36).primary();
    t.string("activity_id", 36).notNullable().references("id").inTable("activities").unique();
    t.string("unit_id", 36).notNullable().references("id").inTable("units").index();
    t.string("author_id", 36).notNullable().references("id").inTable("users");
    t.text("text").notNullable();
    t.string("due_at", 30).notNullable();
    t.string("filed_at", 30).notNullable();
    t.boolean("late").notNullable();
    t.string("updated_at", 30).notNullable();
  });
  await knex.schema.createTable("unit_summaries", (t) => {
    t.string("id", 36).primary();
    t.string("week_id", 36).notNullable().references("id").inTable("report_weeks");
    t.string("unit_id", 36).notNullable().references("id").inTable("units");
    t.string("author_id", 36).notNullable().references("id").inTable("users");
    t.string("due_at", 30).notNullable();
    t.string("filed_at", 30).notNullable();
    t.boolean("late").notNullable();
    t.string("updated_at", 30).notNullable();
    t.unique(["week_id", "unit_id"]);
  });
  await knex.schema.createTable("report_files", (t) => {
    t.string("id", 36).primary();
    // news | summary
    t.string("owner_type", 20).notNullable();
    t.string("owner_id", 36).notNullable();
    // image | video | document
    t.string("role", 20).notNullable();
    t.integer("position").notNullable();
    t.string("storage_key", 36).notNullable().unique();
    t.string("original_name", 255).notNullable();
    t.string("content_type", 10).notNullable();
    t.bigInteger("size").notNullable();
    t.string("sha256", 64).notNullable();
    t.text("probe").nullable();
    t.string("created_at", 30).notNullable();
    t.index(["owner_type", "owner_id"]);
  });
  await knex.schema.createTable("city_packages", (t) => {
    t.string("id", 36).primary();
    t.string("week_id", 36).notNullable().references("id").inTable("report_weeks");
    t.string("city", 20).notNullable();
    t.string("submitted_at", 30).notNullable();
    t.string("submitted_by", 36).notNullable().references("id").inTable("users");
    t.unique(["week_id", "city"]);
    // A city's published reports across weeks (the public city page).
    t.index(["city"]);
  });
  await knex.schema.createTable("report_evaluations", (t) => {
    t.string("week_id", 36).primary().references("id").inTable("report_weeks");
    t.string("contest_id", 36).notNullable().references("id").inTable("contests").unique();
    t.string("created_at", 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("report_evaluations");
  await knex.schema.dropTable("city_packages");
  await knex.schema.dropTable("report_files");
  await knex.schema.dropTable("unit_summaries");
  await knex.schema.dropTable("news_reports");
  await knex.schema.dropTable("activities");
  await knex.schema.dropTable("report_weeks");
  await knex.schema.alterTable("users", (t) => {
    t.dropForeign(["unit_id"]);
    t.dropIndex(["unit_id"]);
    t.dropColumn("unit_id");
  });
  await knex.schema.dropTable("units");
}
