"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { authClient } from "@/lib/auth-client";

// The admin page: the official adminClient() (lib/auth-client.ts) calling the admin plugin's
// endpoints (/api/auth/admin/*). The server checks every call against the signed-in user's role:
// a non-admin gets the plugin's 403 error, shown here like any other.

type AdminUser = {
  id: string;
  name: string;
  email: string;
  role?: string | null;
  banned?: boolean | null;
  banReason?: string | null;
};

const ROLES = ["user", "admin"] as const; // admin()'s default roles

type ClientError = { message?: string; code?: string; status: number; statusText: string } | null;

function describe(error: NonNullable<ClientError>): string {
  return error.message ?? error.code ?? `${error.status} ${error.statusText}`;
}

export default function AdminPage() {
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [roles, setRoles] = useState<Record<string, string>>({}); // user id → role picked in the select

  const load = useCallback(async () => {
    const { data, error } = await authClient.admin.listUsers({
      query: { limit: 100, sortBy: "createdAt", sortDirection: "asc" },
    });
    if (error) {
      setUsers(null);
      setError(describe(error));
      return false;
    }
    setUsers(data.users as AdminUser[]);
    setTotal(data.total);
    return true;
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  /** Runs one admin call; on success reloads the list and shows `done`, else the error. */
  async function act(call: () => Promise<{ error: ClientError }>, done: string) {
    setPending(true);
    setError(null);
    setNotice(null);
    const { error } = await call();
    if (error) setError(describe(error));
    else if (await load()) setNotice(done);
    setPending(false);
  }

  return (
    <div className="admin">
      <h1>Users</h1>
      <p className="muted">
        <Link href="/dashboard">Dashboard</Link>
        {users && <> · <span data-testid="total">{total}</span> users</>}
      </p>
      {error && <p role="alert" className="error">{error}</p>}
      {notice && <p role="status">{notice}</p>}
      {!users && !error && <p className="muted">Loading…</p>}
      {users && (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const picked = roles[u.id] ?? u.role ?? "user";
              return (
                <tr key={u.id} data-email={u.email}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td data-testid="role">{u.role ?? ""}</td>
                  <td data-testid="status">{u.banned ? `banned (${u.banReason ?? "no reason"})` : "active"}</td>
                  <td className="actions">
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={picked}
                      onChange={(e) => setRoles((r) => ({ ...r, [u.id]: e.target.value }))}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>{r}</option>
                      ))}
                    </select>
                    <button
                      type="button"
                      disabled={pending}
                      onClick={() =>
                        act(
                          () => authClient.admin.setRole({ userId: u.id, role: picked as (typeof ROLES)[number] }),
                          `${u.email} is now ${picked}.`,
                        )
                      }
                    >
                      Set role
                    </button>
                    {u.banned ? (
                      <button
                        type="button"
                        disabled={pending}
                        onClick={() => act(() => authClient.admin.unbanUser({ userId: u.id }), `${u.email} unbanned.`)}
                      >
                        Unban
                      </button>
                    ) : (
                      <button
                        type="button"
                        disabled={pending}
                        onClick={() =>
                          act(
                            () => authClient.admin.banUser({ userId: u.id, banReason: "Banned from the admin page" }),
                            `${u.email} banned.`,
                          )
                        }
                      >
                        Ban
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
