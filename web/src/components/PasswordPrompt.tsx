import { useState } from 'react';

/** The form that asks for a password-protected video's password. */
export function PasswordPrompt({ wrong, onSubmit }: { wrong: boolean; onSubmit: (password: string) => void }) {
  const [password, setPassword] = useState('');
  return (
    <form
      className="form"
      aria-label="Video password"
      onSubmit={(e) => {
        e.preventDefault();
        if (password !== '') onSubmit(password);
      }}
    >
      <h1>This video is password protected</h1>
      {wrong && (
        <p className="error-box" role="alert">
          Incorrect password. Please try again.
        </p>
      )}
      <label htmlFor="video-password">Password</label>
      <input
        id="video-password"
        type="password"
        required
        autoComplete="off"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          Watch the video
        </button>
      </div>
    </form>
  );
}
