// A labelled choice among a few named options (the toolbar's and the model server's settings).
interface ChoiceProps<T extends string> {
  label: string;
  testId: string;
  options: readonly T[];
  labelOf?: (option: T) => string;
  title?: string;
  value: T;
  onChange: (value: T) => void;
}

export function Choice<T extends string>({ label, testId, options, labelOf = (o) => o, title, value, onChange }: ChoiceProps<T>) {
  return (
    <label title={title}>
      {label}{' '}
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {labelOf(o)}
          </option>
        ))}
      </select>
    </label>
  );
}
