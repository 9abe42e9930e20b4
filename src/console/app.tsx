import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { isApiError } from './api/errors';
import { Layout } from './components/layout';
import { HomePage } from './pages/home';
import { JoinByQueryPage, JoinPage } from './pages/join';
import { NotFoundPage } from './pages/not-found';
import { SignInPage } from './pages/sign-in';

/**
 * The console's routes. Pages inside `Layout` need a session (without one they go to
 * `/sign-in`, which brings the person back); sign-in and join stand alone.
 *
 * Sign-in, join and home come with the first script; every other page is its own chunk,
 * fetched when it is first opened (`lazy`), so the first download stays small as pages grow.
 */
const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: '/members', lazy: async () => ({ Component: (await import('./pages/members/members-page')).MembersPage }) },
      { path: '/members/:id', lazy: async () => ({ Component: (await import('./pages/member-details/member-details-page')).MemberDetailsPage }) },
      { path: '/seats', lazy: async () => ({ Component: (await import('./pages/seats/seats-page')).SeatsPage }) },
      { path: '/access', lazy: async () => ({ Component: (await import('./pages/access/access-page')).AccessPage }) },
      { path: '/organization', lazy: async () => ({ Component: (await import('./pages/organization/organization-page')).OrganizationPage }) },
      { path: '/account', lazy: async () => ({ Component: (await import('./pages/account/account-page')).AccountPage }) },
      { path: '/workspaces', lazy: async () => ({ Component: (await import('./pages/workspaces/workspaces-page')).WorkspacesPage }) },
      { path: '/workspaces/:id', lazy: async () => ({ Component: (await import('./pages/workspaces/workspace-page')).WorkspacePage }) },
      { path: '/groups', lazy: async () => ({ Component: (await import('./pages/groups/groups-page')).GroupsPage }) },
      { path: '/groups/:id', lazy: async () => ({ Component: (await import('./pages/groups/group-page')).GroupPage }) },
      { path: '/audit', lazy: async () => ({ Component: (await import('./pages/audit/audit-page')).AuditPage }) },
    ],
  },
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/join/:token', element: <JoinPage /> },
  { path: '/join', element: <JoinByQueryPage /> },
  { path: '*', element: <NotFoundPage /> },
]);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache(),
    defaultOptions: {
      queries: {
        // A 4xx answer will not change by asking again; a network failure or a 503 may.
        retry: (failures, error) => failures < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
        staleTime: 10_000,
      },
    },
  });
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
