-- A 党委's and a 党总支's own meetings (domain.md, "Levels above the branch"): 党委会, 总支委员会,
-- 理论学习中心组学习 and 党员代表大会 (shared/domain/labels.ts, KINDS_HELD_BY).
alter table meetings drop constraint if exists meetings_kind_check;
alter table meetings add constraint meetings_kind_check check (kind in ('general_assembly', 'committee_meeting',
  'group_meeting', 'party_lecture', 'theme_day', 'life_meeting', 'member_review',
  'party_committee', 'general_committee', 'central_study', 'party_congress'));
-- What a 党委 or 党总支 held as 支委会 before was its 委员会 meeting (the old annual plan proposed
-- them so): give those their own kind.
update meetings m set kind = case o.kind when 'committee' then 'party_committee' else 'general_committee' end
  from organizations o
  where o.id = m.org_id and m.kind = 'committee_meeting' and o.kind in ('committee', 'general_branch');
update meeting_series s set kind = case o.kind when 'committee' then 'party_committee' else 'general_committee' end
  from organizations o
  where o.id = s.org_id and s.kind = 'committee_meeting' and o.kind in ('committee', 'general_branch');
