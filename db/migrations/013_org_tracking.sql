-- When the system starts judging an organisation's obligations (domain.md: nothing is overdue
-- before an organisation is set up, or before its tracking starts in the system). A China-time
-- calendar date; by default the day the organisation was created here. Its managers may move it
-- (e.g. back to when the branch really was set up, once its earlier meetings are entered).
alter table organizations add column if not exists tracking_started_on date;
update organizations set tracking_started_on = (created_at at time zone 'Asia/Shanghai')::date
  where tracking_started_on is null;
alter table organizations alter column tracking_started_on set default ((now() at time zone 'Asia/Shanghai')::date);
alter table organizations alter column tracking_started_on set not null;
