// Package gen is shot generation: the camera vocabulary, requests and their validation
// against a backend's capabilities, the Backend interface every generator implements, and
// the one Queue that runs jobs on all backends.
//
// Contract:
//   - A job row is written (Store.ReserveJob) before anything is sent, in the same
//     transaction as the budget check, so a capped budget is never passed, even by many
//     submissions at once. The row moves queued → submitting → submitted → running →
//     fetching → succeeded | failed | cancelled | lost, and is marked submitting before
//     Backend.Submit is called.
//   - Each job carries an idempotency key (Request.Key). After a crash or restart,
//     Queue.Recover takes over jobs of dead processes: queued jobs are sent, submitting ones
//     are looked up on the backend by key and only sent when the backend can say for sure it
//     never got them, running ones are followed, finished ones fetched. Nothing is submitted
//     twice and nothing that costs money is retried automatically.
//   - Estimates come before submission; the ledger records what each job cost, per backend
//     and per shot.
//   - The cache key is SHA-256 over the canonical request (backend, model, seed, every
//     parameter and each input's content hash, never its path). An identical request
//     replays the stored outputs as a new take marked FromCache, at no cost.
//   - Outputs are copied into the media folder (NAME.slate-media/) under unique names, each
//     with a provenance sidecar (NAME.ext.slate.json).
//
// gen imports render's neighbours only (timeline/rt and the standard library); the project
// file implements Store, and MemStore is an in-memory Store.
package gen
