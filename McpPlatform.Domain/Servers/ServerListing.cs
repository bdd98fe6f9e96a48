namespace McpPlatform.Domain.Servers;

/// <summary>
/// The servers a caller can use, in the three parts they are kept in: app-level ones, the public ones (one list
/// shared by every caller) and the caller's own, shared and group ones (per set of principals), each in name order.
/// The same list objects come back while nothing they cover changes, so what is derived from a part (its JSON) can be
/// kept with it.
/// </summary>
public sealed record ServerListing(IReadOnlyList<ServerView> App, IReadOnlyList<ServerView> Everyone, IReadOnlyList<ServerView> Own)
{
    /// <summary>App-level servers, then the database ones in name order, each once (a server both public and shared
    /// with the caller is in both parts).</summary>
    public IReadOnlyList<ServerView> All()
    {
        var all = new List<ServerView>(App.Count + Everyone.Count + Own.Count);
        all.AddRange(App);
        var (i, j) = (0, 0);
        while (i < Everyone.Count || j < Own.Count)
        {
            var order = i == Everyone.Count ? 1 : j == Own.Count ? -1 : string.CompareOrdinal(Everyone[i].Name, Own[j].Name);
            all.Add(order <= 0 ? Everyone[i] : Own[j]);
            (i, j) = (order <= 0 ? i + 1 : i, order >= 0 ? j + 1 : j);
        }

        return all;
    }
}
