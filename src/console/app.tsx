import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { isApiError } from './api/errors';
import { Layout } from './components/layout';
import { AccessPage } from './pages/access/access-page';
import { HomePage } from './pages/home';
import { JoinByQueryPage, JoinPage } from './pages/join';
import { MembersPage } from './pages/members/members-page';
import { NotFoundPage } from './pages/not-found';
import { SignInPage } from './pages/sign-in';

/**
 * The console's routes. Pages inside `Layout` need a session (without one they go to
 * `/sign-in`, which brings the person back); sign-in and join stand alone.
 */
export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: '/members', element: <MembersPage /> },
      { path: '/access', element: <AccessPage /> },
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
