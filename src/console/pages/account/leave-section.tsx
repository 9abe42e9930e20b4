import { ConfirmButton } from '../../components/confirm-button';
import { ErrorNotice } from '../../components/error-notice';
import { useLeave } from '../members/members-api';

/**
 * Leaving ends your membership at once; Roster refuses the last active Admin, and that refusal
 * is shown in its words. Afterwards the start page reads the session again and says where you stand.
 */
export function LeaveSection() {
  const leave = useLeave();
  return (
    <section className="panel" aria-labelledby="leave">
      <h2 id="leave">Leave the Organization</h2>
      <p>You lose access to this Organization, its Workspaces, your seats and your API keys at once. To come back, an Admin must invite you again.</p>
      <ConfirmButton tone="danger" label="Leave the Organization" title="Leave the Organization?" confirm="Leave" onConfirm={() => leave.mutate()}>
        You lose access at once. To come back, an Admin must invite you again.
      </ConfirmButton>
      {leave.isError && <ErrorNotice error={leave.error} />}
    </section>
  );
}
