import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OverflowMenu } from './OverflowMenu';

afterEach(cleanup);

describe('OverflowMenu', () => {
  it('focuses the first enabled item, moves with arrows past disabled ones (wrapping), and closes with Escape back on its button', () => {
    const ran: string[] = [];
    const item = (label: string, disabled = false) => ({ label, disabled, run: () => ran.push(label) });
    render(<OverflowMenu items={[item('Off', true), item('One'), item('Two'), item('Also off', true)]} />);
    const button = screen.getByRole('button', { name: 'More' });
    fireEvent.click(button);
    const menu = screen.getByRole('menu', { name: 'More actions' });
    expect(document.activeElement?.textContent).toBe('One');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Two');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('One');
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement?.textContent).toBe('Two');
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(ran).toEqual([]);
  });
});
