// Serves the Rust Worker and the Hono baseline from one local workerd
// (Miniflare's API), each on its own socket straight from workerd, with
// the same persisted R2, D1 and KV state, so both read the same data and
// write the same replay table.
//
//   node bench/serve.mjs STATE_DIR RUST_PORT HONO_PORT HONO_BUNDLE [timed]
//
// BENCH_VARS (JSON) adds variables to the Rust Worker's, such as the rate
// limiter's settings.
//
// Prints "ready" once both answer; stops on SIGINT or SIGTERM.
import { Miniflare } from "miniflare";
import { honoWorker, persisted, rustWorker } from "./workers.mjs";

const [state, rustPort, honoPort, honoBundle, timed] = process.argv.slice(2);
if (!honoBundle) {
  console.error("usage: node bench/serve.mjs STATE_DIR RUST_PORT HONO_PORT HONO_BUNDLE");
  process.exit(2);
}

const mf = new Miniflare({
  workers: [
    rustWorker(
      { unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(rustPort) }] },
      // Phase timings in a Server-Timing header, for the breakdown pass only;
      // Twilio signs the URL it calls, which is this socket.
      {
        SERVER_TIMING: timed === "timed" ? "true" : "false",
        PUBLIC_BASE_URL: `http://127.0.0.1:${rustPort}`,
        ...JSON.parse(process.env.BENCH_VARS ?? "{}"),
      },
    ),
    honoWorker(honoBundle, { unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(honoPort) }] }),
  ],
  ...persisted(state),
});

await mf.ready;
console.log("ready");
const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
