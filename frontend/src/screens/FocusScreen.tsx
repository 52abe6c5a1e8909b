import { PomodoroTimer } from '../components/PomodoroTimer';

export default function FocusScreen() {
  return (
    <section className="content" aria-labelledby="focus-title">
      <h1 id="focus-title">Focus</h1>
      <PomodoroTimer />
    </section>
  );
}
