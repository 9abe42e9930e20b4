import { Link } from 'react-router';
import { Page } from '../components/layout';

export function NotFoundPage() {
  return (
    <Page title="No such page">
      <p>There is nothing at this address in Roster’s console.</p>
      <p>
        <Link to="/">Go to the console</Link>
      </p>
    </Page>
  );
}
