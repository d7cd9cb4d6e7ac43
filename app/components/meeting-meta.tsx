import { ClockIcon, FlagIcon, PinIcon } from "./icons";

/** Time, place and organisation of a meeting, as icon lines under its title. */
export function MeetingMeta({
  time,
  date,
  location,
  orgName,
}: {
  time: string;
  /** Read out by screen readers before the time, where the card shows the date graphically. */
  date?: string;
  location: string | null;
  orgName: string;
}) {
  return (
    <ul className="meta">
      <li>
        <ClockIcon />
        {date ? <span className="sr-only">{date}</span> : null}
        <span className="nowrap">{time}</span>
      </li>
      {location ? (
        <li>
          <PinIcon />
          <span>{location}</span>
        </li>
      ) : null}
      <li>
        <FlagIcon />
        <span>{orgName}</span>
      </li>
    </ul>
  );
}
