import type { ShopView, Viewer } from "../../context.ts";
import { AdminLayout } from "../shared/layout.tsx";
import { DataTable, EmptyState } from "../shared/list-kit.tsx";

export interface KioskSession {
  id: string;
  userName: string;
  createdAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

const columns = [
  "Signed in by",
  "Since",
  "Until",
  "Device",
  <th scope="col">
    <span class="sr-only">Action</span>
  </th>,
];

/** Board devices signed in for a shift, each with a button that signs it out at once. */
export function KiosksPage(
  { shop, viewer, sessions, dateTime, flash }: {
    shop: ShopView;
    viewer: Viewer;
    sessions: KioskSession[];
    dateTime: (at: Date) => string;
    flash?: string;
  },
) {
  const csrf = viewer.csrfToken();
  return (
    <AdminLayout shop={shop} viewer={viewer} area="kiosks" title="Kiosks" flash={flash}>
      <div class="max-w-4xl flex flex-col gap-4">
        <p>
          Devices a staff member signed in as the order board. Signing one out ends its session and
          its live board at once.
        </p>
        {sessions.length === 0
          ? <EmptyState>No kiosk is signed in.</EmptyState>
          : (
            <DataTable columns={columns}>
              {sessions.map((s) => (
                <tr>
                  <td data-label="Signed in by">{s.userName}</td>
                  <td data-label="Since">{dateTime(s.createdAt)}</td>
                  <td data-label="Until">{dateTime(s.expiresAt)}</td>
                  <td data-label="Device" class="text-sm">
                    {s.ip ?? ""}{" "}
                    <span class="text-ink-soft">{s.userAgent?.slice(0, 60) ?? ""}</span>
                  </td>
                  <td>
                    <form method="post" action={`/admin/kiosks/${s.id}/end`}>
                      <input type="hidden" name="_csrf" value={csrf} />
                      <button type="submit" class="btn-secondary">
                        Sign out <span class="sr-only">the kiosk of {s.userName}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
      </div>
    </AdminLayout>
  );
}
