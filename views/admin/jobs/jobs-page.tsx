import type { ShopView, Viewer } from "../../context.ts";
import { AdminLayout } from "../shared/layout.tsx";
import { counted, DataTable, EmptyState } from "../shared/list-kit.tsx";

export interface DeadLetterView {
  message: { id: string; type: string; payload: Record<string, unknown>; createdAt: string };
  attempts: number;
  lastError: string;
  deadAt?: string;
}

export interface JobQueueView {
  name: string;
  stats?: { waiting: number; retrying: number; dead: number };
  /** The queue could not be read (the broker is away). */
  unavailable?: boolean;
  dead: DeadLetterView[];
}

export interface OutboxView {
  pending: number;
  oldestSeconds: number;
  failing: number;
  lastError: string | null;
}

/** "45 s", "3 min 20 s", "2 h 5 min". */
export function waited(seconds: number) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ""}`;
}

function Outbox({ outbox }: { outbox: OutboxView }) {
  return (
    <section class="panel" aria-labelledby="outbox-heading" data-figure="outbox">
      <h2 id="outbox-heading" class="font-display text-xl font-bold text-brown">Outbox</h2>
      <p class="text-sm text-ink-soft">
        Events are written with the change they announce and then published to the queues.
      </p>
      <dl class="stat-grid">
        <div class="stat" data-figure="outbox-pending">
          <dt>Waiting to be published</dt>
          <dd class="stat-value">{outbox.pending}</dd>
        </div>
        <div class="stat" data-figure="outbox-age">
          <dt>Oldest has waited</dt>
          <dd class="stat-value">{outbox.pending ? waited(outbox.oldestSeconds) : "—"}</dd>
        </div>
      </dl>
      {outbox.failing > 0 && (
        <p class="text-out" role="alert">
          {counted(outbox.failing, "event", "events")} could not be published yet
          {outbox.lastError ? `: ${outbox.lastError}` : "."}
        </p>
      )}
    </section>
  );
}

const queueColumns = ["Queue", "Waiting", "In retry", "Dead-lettered"];

function Summary({ queues }: { queues: JobQueueView[] }) {
  return (
    <DataTable columns={queueColumns}>
      {queues.map((q) => (
        <tr data-queue={q.name}>
          <th scope="row">
            {q.stats?.dead ? <a href={`#queue-${q.name}`}>{q.name}</a> : q.name}
          </th>
          {q.stats
            ? (
              <>
                <td data-label="Waiting" data-figure="waiting">{q.stats.waiting}</td>
                <td data-label="In retry" data-figure="retrying">{q.stats.retrying}</td>
                <td data-label="Dead-lettered" data-figure="dead">{q.stats.dead}</td>
              </>
            )
            : (
              <td data-label="State" colspan={3} class="text-out">
                The queue cannot be reached right now.
              </td>
            )}
        </tr>
      ))}
    </DataTable>
  );
}

const deadColumns = [
  "Job",
  "Created",
  "Given up",
  "Attempts",
  "Last error",
  <th scope="col">
    <span class="sr-only">Actions</span>
  </th>,
];

function DeadLetters(
  { queue, csrf, dateTime }: {
    queue: JobQueueView;
    csrf: string;
    dateTime: (at: Date) => string;
  },
) {
  const total = queue.stats?.dead ?? 0;
  if (total === 0) return null;
  const when = (iso?: string) => {
    const at = iso ? new Date(iso) : undefined;
    return at && !Number.isNaN(at.getTime())
      ? <time datetime={at.toISOString()}>{dateTime(at)}</time>
      : <span class="text-ink-soft">—</span>;
  };
  const action = (verb: "retry" | "discard", d: DeadLetterView) => (
    <form method="post" action={`/admin/jobs/${queue.name}/${d.message.id}/${verb}`}>
      <input type="hidden" name="_csrf" value={csrf} />
      <button type="submit" class={verb === "retry" ? "btn-primary" : "btn-secondary"}>
        {verb === "retry" ? "Retry" : "Discard"}{" "}
        <span class="sr-only">the {d.message.type} job {d.message.id}</span>
      </button>
    </form>
  );
  return (
    <section
      id={`queue-${queue.name}`}
      class="flex flex-col gap-2"
      aria-labelledby={`dead-${queue.name}`}
    >
      <h2 id={`dead-${queue.name}`} class="font-display text-xl font-bold text-brown">
        Dead letters of {queue.name}
      </h2>
      <p class="text-sm text-ink-soft">
        {total > queue.dead.length
          ? `The oldest ${queue.dead.length} of ${total} jobs given up.`
          : `${counted(total, "job", "jobs")} given up after their last attempt.`}{" "}
        Retry one once its cause is fixed (it gets fresh attempts), or discard it.
      </p>
      <DataTable columns={deadColumns}>
        {queue.dead.map((d) => (
          <tr id={`job-${d.message.id}`}>
            <td data-label="Job">
              <code>{d.message.type}</code>
              <details class="notification-body">
                <summary class="text-xs break-all">{d.message.id}</summary>
                <pre>{JSON.stringify(d.message.payload, null, 2)}</pre>
              </details>
            </td>
            <td data-label="Created" class="whitespace-nowrap">{when(d.message.createdAt)}</td>
            <td data-label="Given up" class="whitespace-nowrap">{when(d.deadAt)}</td>
            <td data-label="Attempts">{d.attempts}</td>
            <td data-label="Last error" class="break-all text-sm">{d.lastError}</td>
            <td>
              <div class="flex gap-2">
                {action("retry", d)}
                {action("discard", d)}
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

/** The job queues at a glance, the outbox's backlog, and the jobs given up. */
export function JobsPage(
  props: {
    shop: ShopView;
    viewer: Viewer;
    outbox: OutboxView;
    queues: JobQueueView[];
    dateTime: (at: Date) => string;
    flash?: string;
  },
) {
  const csrf = props.viewer.csrfToken();
  const anyDead = props.queues.some((q) => (q.stats?.dead ?? 0) > 0);
  return (
    <AdminLayout
      shop={props.shop}
      viewer={props.viewer}
      area="jobs"
      title="Jobs"
      flash={props.flash}
    >
      <p>
        Work done after the answer: confirmations, notices, audit entries and statistics. A job that
        fails is tried again with a growing pause; after its last attempt it is given up
        (dead-lettered) and waits here.
      </p>
      <Outbox outbox={props.outbox} />
      <Summary queues={props.queues} />
      {anyDead
        ? props.queues.map((queue) => (
          <DeadLetters queue={queue} csrf={csrf} dateTime={props.dateTime} />
        ))
        : <EmptyState>No job has been given up: there is nothing to retry.</EmptyState>}
    </AdminLayout>
  );
}
