export function App() {
  return (
    <main>
      <h1>Shoal</h1>
    </main>
  );
}
