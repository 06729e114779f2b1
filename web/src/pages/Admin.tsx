import { Link } from 'react-router';
import { ErrorMessage, Loading } from '../components/Status';
import { useApp, useLoad, useTitle } from '../hooks';
import { api } from '../services';

export function Admin() {
  useTitle('Administration');
  const { me } = useApp();
  const users = useLoad((s) => (me?.role.id === 0 ? api.users(0, s) : Promise.resolve(null)), [me]);
  if (!me) return <Loading />;
  if (me.role.id !== 0) return <ErrorMessage error="Only the administrator can see this page." />;
  return (
    <section>
      <h1>Administration</h1>
      <h2 className="section-title">Users</h2>
      {users.loading && <Loading what="Loading users" />}
      {users.error && <ErrorMessage error={users.error} onRetry={users.reload} />}
      {users.data && (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Users of this instance</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((u) => (
                <tr key={u.id}>
                  <td>
                    <Link to={`/a/${u.username}`}>{u.username}</Link>
                  </td>
                  <td>{u.email}</td>
                  <td>{u.role.label}</td>
                  <td>{u.blocked ? 'Blocked' : 'Active'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 className="section-title">Instance settings</h2>
      <p className="muted">
        The instance's name, description and sign-up policy are set by the server's configuration (CIRRUS_INSTANCE_NAME,
        CIRRUS_SIGNUP_ENABLED...) until the API offers PeerTube's custom configuration.
      </p>
    </section>
  );
}
