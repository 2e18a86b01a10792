// Loads sample data into the local R2 bucket that `wrangler dev` serves,
// in one process (one workerd start instead of one per object).
// Usage: node scripts/seed-local.mjs <persist dir> <data dir>...
import { Miniflare } from "miniflare";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

const [persist, ...dirs] = process.argv.slice(2);
if (!persist || dirs.length === 0) {
  console.error("usage: node scripts/seed-local.mjs <persist dir> <data dir>...");
  process.exit(2);
}

const mf = new Miniflare({
  modules: true,
  script: "export default { fetch() { return new Response(null, { status: 204 }); } }",
  r2Buckets: { DATA: "edgedesk-data" },
  // The same layout wrangler uses for `--persist-to <dir>`.
  defaultPersistRoot: join(resolve(persist), "v3"),
});

try {
  const bucket = await mf.getR2Bucket("DATA");
  let count = 0;
  for (const dir of dirs) {
    for (const kind of ["usage", "tickets", "contract"]) {
      const folder = join(dir, kind);
      if (!existsSync(folder)) continue;
      for (const file of readdirSync(folder).filter((f) => f.endsWith(".json")).sort()) {
        await bucket.put(`${kind}/${file}`, readFileSync(join(folder, file), "utf8"), {
          httpMetadata: { contentType: "application/json" },
        });
        count += 1;
      }
    }
  }
  console.log(`loaded ${count} objects into local R2 bucket edgedesk-data (${persist})`);
} finally {
  await mf.dispose();
}
