import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DropdownMenu } from 'radix-ui';
import type { ReactNode } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate, useOutletContext } from 'react-router';
import { unwrap } from '../api/errors';
import { client, useSession, type CurrentSession } from '../api/session';
import { ErrorNotice, Loading, signInPathReturningTo } from './error-notice';
import { navigationFor } from './navigation';

const roleNames = { admin: 'Admin', billing: 'Billing', member: 'Member' } as const;

export function roleName(role: keyof typeof roleNames | null | undefined): string {
  return role ? roleNames[role] : 'No role';
}

/** The signed-in session, for pages inside the layout. */
export function useSignedIn(): CurrentSession {
  return useOutletContext<CurrentSession>();
}

function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => unwrap(client.POST('/auth/logout')),
    onSuccess: () => {
      queryClient.clear();
      void navigate('/sign-in', { replace: true });
    },
  });
}

/**
 * The console's frame for signed-in pages: the session is read first (nobody signed in: to
 * the sign-in page, coming back here), then the navigation the member's role sees.
 */
export function Layout() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Loading what="Opening Roster" />;
  if (session.isError)
    return (
      <Page>
        <ErrorNotice error={session.error} />
      </Page>
    );
  if (!session.data) return <Navigate to={signInPathReturningTo(location)} replace />;
  return (
    <>
      <Header session={session.data} />
      <main className="content" id="content">
        <Outlet context={session.data} />
      </main>
    </>
  );
}

function Header({ session }: { session: CurrentSession }) {
  const signOut = useSignOut();
  return (
    <header className="header">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <span className="brand">Roster</span>
      <nav aria-label="Console" className="nav">
        {navigationFor(session.member?.role).map((item) => (
          <NavLink key={item.to} to={item.to} end={item.to === '/'} className="nav-link">
            {item.label}
          </NavLink>
        ))}
      </nav>
      {/* Not modal: a menu needs no focus trap over the page, nor aria-hidden on the rest of it. */}
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger className="account-button" aria-label={`Account: ${session.account.email}`}>
          {session.account.email}
          <span className="role-badge">{roleName(session.member?.role)}</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
            <DropdownMenu.Item className="menu-item" onSelect={() => signOut.mutate()}>
              Sign out
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      {signOut.isError && <ErrorNotice error={signOut.error} />}
    </header>
  );
}

/** The frame of pages outside the console (sign-in, join): the name, then one card. */
export function Page({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <main className="page" id="content">
      <p className="brand brand-large">Roster</p>
      <section className="card" aria-labelledby={title ? 'page-title' : undefined}>
        {title && <h1 id="page-title">{title}</h1>}
        {children}
      </section>
    </main>
  );
}
